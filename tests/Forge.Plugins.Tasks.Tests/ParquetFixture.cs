using System.Text.Json.Serialization;
using Parquet;
using Parquet.Serialization;

namespace Forge.Plugins.Tasks.Tests;

/// <summary>Small Parquet files shaped like Hugging Face datasets, written with Parquet.Net.</summary>
internal static class ParquetFixture
{
    public static string Folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "forge-parquet-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static string Write<T>(string path, IEnumerable<T> rows, int rowGroupSize = 1000, CompressionMethod compression = CompressionMethod.Snappy)
    {
        using var stream = File.Create(path);
        ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { RowGroupSize = rowGroupSize, CompressionMethod = compression })
            .GetAwaiter().GetResult();
        return path;
    }

    public sealed class Gsm8k
    {
        [JsonPropertyName("question")] public string? Question { get; set; }
        [JsonPropertyName("answer")] public string? Answer { get; set; }
    }

    public sealed class Math
    {
        [JsonPropertyName("problem")] public string? Problem { get; set; }
        [JsonPropertyName("solution")] public string? Solution { get; set; }
        [JsonPropertyName("level")] public string? Level { get; set; }
        [JsonPropertyName("type")] public string? Type { get; set; }
    }

    public sealed class Message
    {
        [JsonPropertyName("content")] public string? Content { get; set; }
        [JsonPropertyName("role")] public string? Role { get; set; }
    }

    public sealed class OpenR1
    {
        [JsonPropertyName("problem")] public string? Problem { get; set; }
        [JsonPropertyName("solution")] public string? Solution { get; set; }
        [JsonPropertyName("answer")] public string? Answer { get; set; }
        [JsonPropertyName("uuid")] public long Uuid { get; set; }
        [JsonPropertyName("generations")] public List<string>? Generations { get; set; }
        [JsonPropertyName("messages")] public List<Message>? Messages { get; set; }
    }

    public sealed class NumericPrompt
    {
        [JsonPropertyName("question")] public long Question { get; set; }
        [JsonPropertyName("answer")] public string? Answer { get; set; }
    }
}
