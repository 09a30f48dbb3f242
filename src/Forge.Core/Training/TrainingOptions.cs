using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Forge.Core.Training;

/// <summary>Learning-rate decay after warm-up.</summary>
public enum LearningRateSchedule
{
    /// <summary>Half a cosine from the peak to zero.</summary>
    Cosine,
    /// <summary>Straight line from the peak to zero.</summary>
    Linear,
    /// <summary>Stay at the peak.</summary>
    Constant,
}

/// <summary>The shared optimizer settings of a training stage (section <c>Training</c> of the stage).</summary>
public sealed class TrainingOptions
{
    /// <summary>Peak AdamW learning rate.</summary>
    [Description("Peak AdamW learning rate.")]
    [Range(0.0, 1.0)]
    public double LearningRate { get; set; } = 1e-6;

    /// <summary>AdamW decoupled weight decay.</summary>
    [Description("AdamW decoupled weight decay.")]
    [Range(0.0, 1.0)]
    public double WeightDecay { get; set; }

    /// <summary>AdamW β1.</summary>
    [Description("AdamW β1.")]
    [Range(0.0, 1.0)]
    public double Beta1 { get; set; } = 0.9;

    /// <summary>AdamW β2.</summary>
    [Description("AdamW β2.")]
    [Range(0.0, 1.0)]
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Optimizer updates of linear warm-up from 0 to the peak.</summary>
    [Description("Optimizer updates of linear warm-up from 0 to the peak.")]
    [Range(0, int.MaxValue)]
    public int WarmupSteps { get; set; }

    /// <summary>Decay after warm-up.</summary>
    [Description("Decay after warm-up.")]
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>Updates over which the schedule decays (usually the stage's total); 0 = constant.</summary>
    [Description("Updates over which the schedule decays (usually the stage's total); 0 = constant.")]
    [Range(0, int.MaxValue)]
    public int TotalSteps { get; set; }

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping.</summary>
    [Description("Clip the global gradient norm to this value; 0 disables clipping.")]
    [Range(0.0, 1e6)]
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>Rows per forward/backward pass; gradients accumulate over a batch's micro-batches.</summary>
    [Description("Rows per forward/backward pass; gradients accumulate over a batch's micro-batches.")]
    [Range(1, 65536)]
    public int MicroBatchSize { get; set; } = 8;

    /// <summary>Positions whose logits are materialised at once when computing log-probs (bounds memory).</summary>
    [Description("Positions whose logits are materialised at once when computing log-probs (bounds memory).")]
    [Range(1, 1 << 20)]
    public int LogitsChunk { get; set; } = 256;

    /// <summary>Sampling temperature: log-probs are taken at it so that they match the sampler's (as TRL).</summary>
    [Description("Sampling temperature: log-probs are taken at it so that they match the sampler's (as TRL).")]
    [Range(1e-3, 100.0)]
    public double Temperature { get; set; } = 1.0;

    /// <summary>Stop the run after this many non-finite updates in a row.</summary>
    [Description("Stop the run after this many non-finite updates in a row.")]
    [Range(1, 1000)]
    public int MaxNonFiniteSteps { get; set; } = 5;

    /// <summary>Train bfloat16/float16 weights through float32 master copies (and float32 AdamW state).</summary>
    [Description("Train bfloat16/float16 weights through float32 master copies with float32 AdamW state (false: update the half-precision weights directly, AdamW state in their dtype, as a pure-bf16 PyTorch loop; less memory, small updates may round away).")]
    public bool MasterWeights { get; set; } = true;

    /// <summary>Recompute each decoder layer's activations in backward instead of keeping them.</summary>
    [Description("Activation (gradient) checkpointing per decoder layer: keep only each layer's input and recompute the layer in backward (about a third more compute, activation memory of one layer instead of all).")]
    public bool ActivationCheckpointing { get; set; }

    /// <summary>ZeRO stage 1 over the ranks of a data-parallel run: each rank keeps 1/N of the optimizer state.</summary>
    [Description("ZeRO stage 1 when several ranks train (forge run --nproc-per-node N, torchrun): each rank keeps only its 1/N share of AdamW's moments and of the float32 master weights, updates that share, and the updated weights are all-gathered; no effect in one process.")]
    public bool ShardOptimizer { get; set; }

    /// <summary>ZeRO-1's bucket: elements of the flat float32 gradient reduce-scattered (and of the weights all-gathered back) at a time.</summary>
    [Description("With ShardOptimizer: elements of the flat float32 gradient reduce-scattered at a time, and of the updated weights all-gathered back (16777216 = 64 MiB). The update's transient memory per GPU is one bucket, whatever the model's size; each rank's shard is kept in pieces of ShardBucketElements / N elements that AdamW updates one at a time. Larger buckets mean fewer, larger collectives.")]
    [Range(1, 1 << 30)]
    public int ShardBucketElements { get; set; } = 16 << 20;

    /// <summary>A copy, for a stage to complete (TotalSteps, Temperature) without touching the configured options.</summary>
    public TrainingOptions Copy() => (TrainingOptions)MemberwiseClone();
}
