using System.Text.Json;

namespace Forge.Host.Tests.Support;

/// <summary>A one-stage pipeline <c>tiny</c>: a few steps of SFT of a tiny new model on a handful of traces (seconds).</summary>
internal static class TinySft
{
    public const string Pipeline = "tiny";

    /// <summary>Writes traces and the configuration into <paramref name="dir"/>; returns the configuration file.</summary>
    /// <param name="dir">Where the files go.</param>
    /// <param name="data">The stage's Data setting (default: the traces' full path).</param>
    /// <param name="template">The stage's Template.</param>
    public static string Config(TempDirectory dir, string? data = null, string template = "{prompt}")
    {
        string traces = Traces(dir, "traces.jsonl");
        var stage = new
        {
            Name = "sft", Kind = "sft", Data = data ?? traces, MaxSteps = 20, BatchSize = 4, Template = template,
            NewModel = new { hidden_size = 16, intermediate_size = 32, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64 },
            Training = new { LearningRate = 0.003, MicroBatchSize = 4 },
        };
        return dir.Write("tiny.json", JsonSerializer.Serialize(new { Pipelines = new Dictionary<string, object> { [Pipeline] = new { Stages = new[] { stage } } } }));
    }

    /// <summary>Eight arithmetic traces in <paramref name="relative"/> under <paramref name="dir"/>; returns the full path.</summary>
    public static string Traces(TempDirectory dir, string relative) => dir.Write(relative, string.Join("\n", Enumerable.Range(0, 8)
        .Select(i => JsonSerializer.Serialize(new { prompt = $"What is {i}+{i % 3}?", completion = $"<answer>{i + i % 3}</answer>" }))) + "\n");
}
