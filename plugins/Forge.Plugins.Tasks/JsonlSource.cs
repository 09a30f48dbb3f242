using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forge.Plugins.Tasks;

/// <summary>
/// A user's dataset: one JSON object per line with the prompt and the gold answer; every other column is kept for
/// rewards. GSM8K files work as they are: <c>question</c> is taken as the prompt and an answer's text after
/// <c>####</c> as the gold answer. Rows without the answer are kept (a format reward or a teacher needs none), but
/// the first read of a file warns, once, how many lack it: the accuracy reward cannot score them, so RL would train
/// them on reward 0.
/// </summary>
[method: ActivatorUtilitiesConstructor]
public sealed class JsonlSource(JsonlSourceOptions options, ILogger<JsonlSource> logger) : IPromptSource
{
    private readonly HashSet<string> _warned = [];

    /// <summary>A source that logs nowhere.</summary>
    public JsonlSource(JsonlSourceOptions options) : this(options, NullLogger<JsonlSource>.Instance)
    {
    }

    /// <inheritdoc />
    public IEnumerable<PromptRow> Rows(string split, int seed)
    {
        if (split is not ("train" or "test")) throw new ArgumentException($"unknown split '{split}'", nameof(split));
        bool separateTest = !string.IsNullOrEmpty(options.TestPath);
        string path = split == "test" && separateTest ? options.TestPath! : options.Path;
        var all = Read(path).ToList();
        WarnOfMissingAnswers(path, all);
        var rows = all.Where(r => separateTest || StableSplit.Belongs(r.Id + r.Prompt, split, options.TestPercent)).ToList();
        // Seeded shuffle: the same seed gives the same order.
        var random = new Random(seed);
        return rows.OrderBy(_ => random.Next()).ToList();
    }

    private IEnumerable<PromptRow> Read(string path)
    {
        if (!Path.Exists(path)) throw new PluginInputException($"{path}: dataset file not found (PromptSources:jsonl:Path)");
        foreach (var (lineNumber, row) in InputFile.ReadJsonObjects(path, "dataset"))
        {
            string prompt = Text(row, options.PromptField) ?? Text(row, "question")
                ?? throw new PluginInputException($"{path}:{lineNumber}: missing string field \"{options.PromptField}\"");
            var columns = new Dictionary<string, JsonElement>();
            foreach (var property in row.EnumerateObject())
                if (property.Name != options.PromptField) columns[property.Name] = property.Value;
            if (Text(row, options.AnswerField) is string answer)
            {
                int hashes = answer.LastIndexOf("####", StringComparison.Ordinal);
                columns["answer"] = JsonSerializer.SerializeToElement(hashes >= 0 ? answer[(hashes + 4)..].Trim() : answer);
            }
            string id = Text(row, "id") ?? lineNumber.ToString(CultureInfo.InvariantCulture);
            yield return new PromptRow(id, prompt, columns);
        }
    }

    private void WarnOfMissingAnswers(string path, List<PromptRow> rows)
    {
        int missing = rows.Count(r => !r.Columns.ContainsKey("answer"));
        lock (_warned)
            if (missing == 0 || !_warned.Add(path)) return;
        logger.LogWarning("{Path}: {Missing} of {Rows} rows have no \"{Field}\" field (AnswerField): the accuracy reward cannot score them, so RL trains them on reward 0",
            path, missing, rows.Count, options.AnswerField);
    }

    private static string? Text(JsonElement row, string field) =>
        row.TryGetProperty(field, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;
}

/// <summary>Options of <c>jsonl</c> (section <c>PromptSources:jsonl</c>).</summary>
public sealed class JsonlSourceOptions
{
    /// <summary>The dataset file (the train split, or both splits when <see cref="TestPath"/> is empty).</summary>
    [Description("The dataset file (the train split, or both splits when TestPath is empty).")]
    public string Path { get; set; } = "";

    /// <summary>A separate test file; when empty, <see cref="TestPercent"/> of the rows are held out by hash.</summary>
    [Description("A separate test file; when empty, TestPercent of the rows are held out by hash.")]
    public string? TestPath { get; set; }

    /// <summary>Held-out share when there is no test file, in percent.</summary>
    [Description("Held-out share when there is no test file, in percent.")]
    [Range(0, 90)]
    public int TestPercent { get; set; } = 10;

    /// <summary>The column holding the prompt (<c>question</c> is tried next).</summary>
    [Description("The column holding the prompt (question is tried next).")]
    [Required]
    public string PromptField { get; set; } = "prompt";

    /// <summary>The column holding the gold answer, copied to <c>answer</c> (text after <c>####</c> when present).</summary>
    [Description("The column holding the gold answer, copied to answer (text after #### when present).")]
    [Required]
    public string AnswerField { get; set; } = "answer";
}

/// <summary>Exports <c>jsonl</c>.</summary>
[ForgePlugin("jsonl", PluginKind.PromptSource, Description = "Prompts from a JSONL dataset (prompt/question + answer + any columns; GSM8K works)")]
public sealed class JsonlSourcePlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IPromptSource, JsonlSource, JsonlSourceOptions>(context);
}
