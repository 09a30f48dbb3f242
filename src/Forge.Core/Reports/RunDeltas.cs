using System.Globalization;
using System.Text.Json.Nodes;
using Forge.Core.Pipelines;

namespace Forge.Core.Reports;

/// <summary>How a stage's held-out pass@1 compares with the stage it builds on.</summary>
public enum RunDeltaKind
{
    /// <summary>The stage trained on from the other's checkpoint (its <c>Model</c>): pass@1 minus the other's, in points.</summary>
    GainOverModel,

    /// <summary>The stage learned from the other as its teacher (its <c>Teacher</c>): pass@1 over the other's, in %.</summary>
    ShareOfTeacher,
}

/// <summary>One headline delta: <paramref name="Stage"/>'s pass@1 against <paramref name="Reference"/>'s.</summary>
public sealed record RunDelta(string Stage, string Reference, RunDeltaKind Kind, double PassAt1, double ReferencePassAt1)
{
    /// <summary>Points (×100) for <see cref="RunDeltaKind.GainOverModel"/>, % for <see cref="RunDeltaKind.ShareOfTeacher"/>; NaN when the teacher's pass@1 is 0.</summary>
    public double Value => Kind == RunDeltaKind.GainOverModel
        ? (PassAt1 - ReferencePassAt1) * 100
        : ReferencePassAt1 > 0 ? PassAt1 / ReferencePassAt1 * 100 : double.NaN;

    /// <summary><c>reasoning-rl − cold-start</c> or <c>student / reasoning-rl</c>.</summary>
    public string Label => Kind == RunDeltaKind.GainOverModel ? $"{Stage} − {Reference}" : $"{Stage} / {Reference}";

    /// <summary><c>+12.5 points</c> or <c>80.0 %</c> (<c>–</c> when the teacher solved nothing).</summary>
    public string Text => double.IsNaN(Value) ? "–" : Kind == RunDeltaKind.GainOverModel
        ? Value.ToString("+0.0;−0.0;0.0", CultureInfo.InvariantCulture) + " points"
        : Value.ToString("0.0", CultureInfo.InvariantCulture) + " %";
}

/// <summary>
/// The run's headline deltas, read from what the run recorded and naming no stage or plugin: for each evaluated stage
/// whose <c>Model</c> (config.json) is an earlier evaluated stage's checkpoint (<c>checkpoints/&lt;stage&gt;</c>), the
/// pass@1 it gained over that stage, in points (GRPO − cold start); for each whose <c>Teacher</c> is one, its pass@1 as
/// a share of the teacher's (student / teacher).
/// </summary>
public static class RunDeltas
{
    /// <summary>The deltas of <paramref name="summary"/> given the run's <c>config.json</c> (none without it).</summary>
    public static IReadOnlyList<RunDelta> Of(RunSummary summary, JsonObject? configuration)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var deltas = new List<RunDelta>();
        if (Stages(configuration, summary.Pipeline) is not { } stages) return deltas;
        var evaluated = summary.Stages.Where(s => s.Eval is not null).ToDictionary(s => s.Name, s => s.Eval!.PassAt1, StringComparer.Ordinal);
        var earlier = new List<string>();
        foreach (var stage in stages.OfType<JsonObject>())
        {
            if (Text(Property(stage, "Name")) is not { } name) continue;
            if (evaluated.TryGetValue(name, out double passAt1))
            {
                if (Checkpoint(Property(stage, "Model"), earlier) is { } model && evaluated.TryGetValue(model, out double from))
                    deltas.Add(new RunDelta(name, model, RunDeltaKind.GainOverModel, passAt1, from));
                if (Checkpoint(Property(stage, "Teacher"), earlier) is { } teacher && evaluated.TryGetValue(teacher, out double taught))
                    deltas.Add(new RunDelta(name, teacher, RunDeltaKind.ShareOfTeacher, passAt1, taught));
            }
            earlier.Add(name);
        }
        return deltas;
    }

    private static JsonArray? Stages(JsonObject? configuration, string pipeline)
    {
        if (Property(configuration, "Pipelines") is not JsonObject pipelines) return null;
        // config.json holds the run's pipeline; read case-sensitively it may still be spelled otherwise.
        var entry = pipelines.FirstOrDefault(p => string.Equals(p.Key, pipeline, StringComparison.OrdinalIgnoreCase)).Value as JsonObject;
        return Property(entry, "Stages") as JsonArray;
    }

    /// <summary>The earlier stage whose checkpoint <paramref name="setting"/> names (a path, or a teacher's <c>{ "Folder": … }</c>).</summary>
    private static string? Checkpoint(JsonNode? setting, IReadOnlyList<string> earlier)
    {
        string? path = setting is JsonObject o ? Text(Property(o, "Folder")) : Text(setting);
        if (path is null) return null;
        string normalized = path.Replace('\\', '/').TrimEnd('/');
        return earlier.LastOrDefault(stage => normalized == $"checkpoints/{stage}" || normalized == $"./checkpoints/{stage}"
            || normalized.EndsWith($"/checkpoints/{stage}", StringComparison.Ordinal));
    }

    private static JsonNode? Property(JsonObject? o, string name) =>
        o?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s) ? s : null;
}
