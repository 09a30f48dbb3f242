namespace Forge.Host.Tests.Support;

/// <summary>
/// A tiny character-level model fine-tuned on the cold-start traces (as the r1 pipeline's first stage, shortened),
/// trained once per test run; pipelines use it as base model, teacher and served model.
/// </summary>
internal static class TinyReasoner
{
    private static readonly Lazy<string> Trained = new(Train, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Its checkpoint folder (config.json, model.safetensors, tokenizer.json).</summary>
    public static string Folder => Trained.Value;

    public const string Template = "User: {prompt} Assistant:";

    private static string Train()
    {
        string run = Path.Combine(Path.GetTempPath(), "forge-tests", "tiny-reasoner-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(run);
        string config = Path.Combine(run, "base.json");
        var stage = new
        {
            Name = "base", Kind = "sft", Data = "data/cold-start.jsonl", Template, MaxSteps = 80, BatchSize = 32,
            Training = new { LearningRate = 0.003, MicroBatchSize = 32 },
            NewModel = new
            {
                hidden_size = 64, intermediate_size = 128, num_hidden_layers = 2, num_attention_heads = 4, num_key_value_heads = 2,
                max_position_embeddings = 256, tie_word_embeddings = true,
            },
        };
        File.WriteAllText(config, System.Text.Json.JsonSerializer.Serialize(new { Pipelines = new { @base = new { Stages = new[] { stage } } } }));
        var result = ForgeProcess.Run("run", "--config", config, "--pipeline", "base", "--output", run, "--seed", "1");
        if (result.ExitCode != 0) throw new InvalidOperationException($"the tiny reasoner did not train: {result.Error}");
        return Path.Combine(run, "checkpoints", "base");
    }
}
