using Forge.Core.Adapters;
using Forge.Core.Models;
using Forge.Core.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Adapters;

public class LoraAdapterTests
{
    internal static readonly string[] AllModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    internal static LoraSpec Spec(params string[] modules) => new(4, 8, 0, modules.Length == 0 ? AllModules : modules, UseRslora: false);

    /// <summary>An adapter whose B is random too (a fresh one has B = 0 and changes nothing).</summary>
    internal static LoraAdapter Randomized(DecoderModel model, LoraSpec spec, int seed = 3)
    {
        var generator = new Generator((ulong)seed);
        var adapter = new LoraAdapter(model, spec, generator: generator);
        using var noGrad = no_grad();
        foreach (var (name, p) in adapter.PeftNames())
            if (name.Contains(".lora_B.", StringComparison.Ordinal)) p.copy_(randn(p.shape, generator: generator) * 0.05);
        return adapter;
    }

    internal static Tensor Ids() => tensor(new long[] { 5, 6, 7, 8, 9, 10, 11, 12, 3, 4, 9, 2 }).view(2, 6);

    private static Tensor Logits(DecoderModel model)
    {
        using var noGrad = no_grad();
        return model.Logits(model.Hidden(Ids()));
    }

    [Fact]
    public void Gradients_equal_the_chain_rule_through_the_merged_weight_computed_without_the_adapter()
    {
        using var model = ModelFixtures.Load("qwen2", ScalarType.Float64);
        using var reference = model.CopyTo(CPU);
        using var adapter = Randomized(model, Spec());
        using var weights = randn(2, 6, model.VocabSize, ScalarType.Float64, generator: new Generator(7));
        (model.Logits(model.Hidden(Ids())) * weights).sum().backward();

        // The reference: W' = W + s·B·A written into a plain model's weights by hand; dL/dA = s·Bᵀ·G, dL/dB = s·G·Aᵀ
        // where G is dL/dW' of the part's rows.
        var config = model.Config;
        long q = config.NumAttentionHeads * config.HeadDim, kv = config.NumKeyValueHeads * config.HeadDim, inter = config.IntermediateSize;
        var rows = new Dictionary<string, (Func<DecoderLayer, TorchSharp.Modules.Linear> Layer, long Start, long Rows)>
        {
            ["q_proj"] = (l => l.attention.qkv, 0, q), ["k_proj"] = (l => l.attention.qkv, q, kv), ["v_proj"] = (l => l.attention.qkv, q + kv, kv),
            ["o_proj"] = (l => l.attention.output, 0, config.HiddenSize), ["gate_proj"] = (l => l.mlp.gate_up, 0, inter),
            ["up_proj"] = (l => l.mlp.gate_up, inter, inter), ["down_proj"] = (l => l.mlp.down, 0, config.HiddenSize),
        };
        var pairs = adapter.PeftNames().ToDictionary(p => p.Name, p => p.Tensor);
        double s = adapter.Spec.Scaling;
        using (no_grad())
        {
            for (int i = 0; i < config.NumHiddenLayers; i++)
                foreach (var (module, (layer, start, count)) in rows)
                {
                    string prefix = $"base_model.model.model.layers.{i}.{(module is "gate_proj" or "up_proj" or "down_proj" ? "mlp" : "self_attn")}.{module}";
                    var a = pairs[prefix + ".lora_A.weight"].to(ScalarType.Float64);
                    var b = pairs[prefix + ".lora_B.weight"].to(ScalarType.Float64);
                    layer(reference.layers[i]).weight!.narrow(0, start, count).add_(matmul(b, a) * s);
                }
        }
        (reference.Logits(reference.Hidden(Ids())) * weights).sum().backward();

        int checkedPairs = 0;
        for (int i = 0; i < config.NumHiddenLayers; i++)
            foreach (var (module, (layer, start, count)) in rows)
            {
                string prefix = $"base_model.model.model.layers.{i}.{(module is "gate_proj" or "up_proj" or "down_proj" ? "mlp" : "self_attn")}.{module}";
                var a = pairs[prefix + ".lora_A.weight"];
                var b = pairs[prefix + ".lora_B.weight"];
                var g = layer(reference.layers[i]).weight!.grad!.narrow(0, start, count);
                var wantA = matmul(b.to(ScalarType.Float64).t(), g) * s;
                var wantB = matmul(g, a.to(ScalarType.Float64).t()) * s;
                (a.grad! - wantA).abs().max().ToDouble().Should().BeLessThan(1e-5, $"{prefix} lora_A");
                (b.grad! - wantB).abs().max().ToDouble().Should().BeLessThan(1e-5, $"{prefix} lora_B");
                wantB.abs().max().ToDouble().Should().BeGreaterThan(1e-4, "the check must not compare zeros");
                checkedPairs++;
            }
        checkedPairs.Should().Be(7 * config.NumHiddenLayers);
    }

    [Fact]
    public void Merge_then_run_equals_run_with_the_adapter_and_disabling_it_gives_the_base()
    {
        using var model = ModelFixtures.Load("qwen2");
        var bare = Logits(model);
        using var adapter = Randomized(model, Spec("q_proj", "v_proj", "o_proj", "up_proj", "down_proj"));
        var adapted = Logits(model);
        (adapted - bare).abs().max().ToDouble().Should().BeGreaterThan(1e-3, "the adapter must change the output");
        using (adapter.Disable()) (Logits(model) - bare).abs().max().ToDouble().Should().Be(0);

        adapter.Merge();
        (Logits(model) - adapted).abs().max().ToDouble().Should().BeLessThan(1e-5);
    }

    [Fact]
    public void A_new_adapter_changes_nothing_and_initializes_A_kaiming_uniform()
    {
        using var model = ModelFixtures.Load("llama");
        var bare = Logits(model);
        using var adapter = new LoraAdapter(model, Spec(), generator: new Generator(1));
        (Logits(model) - bare).abs().max().ToDouble().Should().Be(0);
        foreach (var (name, p) in adapter.PeftNames())
        {
            if (name.Contains(".lora_B.", StringComparison.Ordinal)) p.abs().max().ToDouble().Should().Be(0, name);
            else p.abs().max().ToDouble().Should().BeInRange(0.5 / Math.Sqrt(p.shape[1]), 1 / Math.Sqrt(p.shape[1]), name);
        }
    }

    [Fact]
    public void Rank_stabilised_scaling_is_alpha_over_the_root_of_r()
    {
        new LoraSpec(16, 32, 0, ["q_proj"], UseRslora: true).Scaling.Should().Be(8);
        new LoraSpec(16, 32, 0, ["q_proj"], UseRslora: false).Scaling.Should().Be(2);
    }
}
