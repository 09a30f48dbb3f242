using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forge.Plugins.Tasks;

/// <summary>
/// A user's dataset: JSON Lines or Parquet files (a Hugging Face Hub download as it is), streamed row by row — a
/// Parquet file one row group at a time — so files larger than memory work. <see cref="DatasetColumns"/> names the
/// prompt, the gold answer (copied to <c>answer</c>; GSM8K's <c>#### 42</c> and MATH's <c>\boxed{}</c> taken out) and
/// the columns kept for rewards. The test split is its own files (<c>TestPath</c>) or a stable hash of a column.
/// Rows without the answer are kept (a format reward or a teacher needs none), but the first full read of a file
/// warns, once, how many lack it: the accuracy reward cannot score them, so RL would train them on reward 0.
/// </summary>
[method: ActivatorUtilitiesConstructor]
public sealed class DatasetSource(DatasetSourceOptions options, ILogger<DatasetSource> logger) : IPromptSource
{
    private readonly HashSet<string> _warned = [];
    private readonly ColumnMapping _mapping = new(options.Columns, options.SplitKey);

    /// <summary>A source that logs nowhere.</summary>
    public DatasetSource(DatasetSourceOptions options) : this(options, NullLogger<DatasetSource>.Instance)
    {
    }

    /// <inheritdoc />
    public IEnumerable<PromptRow> Rows(string split, int seed)
    {
        if (split is not ("train" or "test")) throw new ArgumentException($"unknown split '{split}' (expected train or test)", nameof(split));
        if (string.IsNullOrWhiteSpace(options.Path)) throw new PluginInputException("dataset: Path is not set (the JSONL or Parquet file(s) to read)");
        bool separateTest = !string.IsNullOrEmpty(options.TestPath);
        bool testFiles = split == "test" && separateTest;
        var files = DatasetFiles.Expand(testFiles ? options.TestPath! : options.Path, testFiles ? "TestPath" : "Path");
        var rows = files.SelectMany(Read)
            .Where(r => separateTest || StableSplit.Belongs(r.SplitText, split, options.TestPercent))
            .Select(r => r.Row);
        return ShuffleBuffer.Shuffle(rows, new Random(seed), options.ShuffleBuffer);
    }

    private IEnumerable<ColumnMapping.Mapped> Read(string path)
    {
        var rows = DatasetFiles.IsParquet(path) ? ParquetFile.Read(path, _mapping) : JsonLines(path);
        int count = 0, missing = 0;
        foreach (var row in rows)
        {
            var mapped = _mapping.Map(row);
            count++;
            if (!mapped.HasAnswer) missing++;
            yield return mapped;
        }
        WarnOfMissingAnswers(path, missing, count);
    }

    private static IEnumerable<DatasetRow> JsonLines(string path)
    {
        string file = Path.GetFileName(path);
        foreach (var (line, row) in InputFile.ReadJsonObjects(path, "dataset"))
        {
            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in row.EnumerateObject()) values[property.Name] = property.Value;
            yield return new DatasetRow(file, $"{path}:{line}", line, values);
        }
    }

    private void WarnOfMissingAnswers(string path, int missing, int rows)
    {
        lock (_warned)
            if (missing == 0 || !_warned.Add(path)) return;
        logger.LogWarning("{Path}: {Missing} of {Rows} rows have no gold answer ({Column}): the accuracy reward cannot score them, so RL trains them on reward 0",
            path, missing, rows, options.Columns.Answer ?? string.Join(" or ", ColumnMapping.AnswerCandidates));
    }
}

/// <summary>Exports <c>dataset</c>.</summary>
[ForgePlugin("dataset", PluginKind.PromptSource, Description = "Prompts from JSONL or Parquet files (Hugging Face datasets as downloaded): column mapping, streaming, split by file or hash")]
public sealed class DatasetSourcePlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IPromptSource, DatasetSource, DatasetSourceOptions>(context);
}

/// <summary>Exports <c>jsonl</c>, the earlier name of <c>dataset</c> (the same source and options).</summary>
[ForgePlugin("jsonl", PluginKind.PromptSource, Description = "The earlier name of dataset (same options), kept for existing configurations")]
public sealed class JsonlSourcePlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IPromptSource, DatasetSource, DatasetSourceOptions>(context);
}
