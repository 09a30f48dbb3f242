using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forge.Core;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;

namespace Forge.Host.Runs;

/// <summary>
/// On <c>forge run --resume</c>: the configuration now against the one the run folder's <c>config.json</c> recorded, so
/// that a continuation cannot quietly differ from the run it continues. Compared: the <c>Forge</c> section, the
/// pipeline (<c>Pipelines:&lt;name&gt;</c>, its <c>Eval</c> included) and the plugin sections its stages name. Not
/// compared: the informational <c>Run</c> section; <c>Forge:DefaultPipeline</c> and <c>Forge:Seed</c> (the run's own,
/// checked against <c>summary.json</c>); <c>Forge:AllowedPluginSha256</c> (which plugin files may load, not what they
/// compute); a stage's <c>CheckpointEvery</c> and <c>KeepCheckpoints</c> (when checkpoints are written, which the
/// results do not depend on); other pipelines and plugin sections no stage names, which are not the run's.
/// </summary>
internal static partial class ResumedConfiguration
{
    /// <summary>
    /// Refuses a changed configuration with one line naming the first changed key and both values, unless
    /// <paramref name="allowChange"/>: then one warning line names every change and <c>config.json</c> records the new
    /// configuration. A folder without <c>config.json</c> (a run from before Forge wrote one) resumes with a warning,
    /// and gets one.
    /// </summary>
    public static void Check(string runDirectory, JsonObject now, PipelinePlan plan, bool allowChange, TextWriter warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        string path = Path.Combine(runDirectory, RunConfigurationFile.FileName);
        var recorded = RunConfigurationFile.Read(runDirectory);
        if (recorded is null)
        {
            warnings.WriteLine($"warning: {path}: not in this run folder (a run from before Forge wrote one): resuming without comparing the configuration, which it now records");
            RunConfigurationFile.Write(runDirectory, now);
            return;
        }
        var changes = Changes(recorded, now, plan);
        if (changes.Count == 0) return;
        if (!allowChange)
        {
            var first = changes[0];
            throw new ForgeDataException($"{path}: {first.Key} was {first.Before}, now {first.After}; resuming would not continue the same run (--allow-config-change resumes anyway)");
        }
        warnings.WriteLine($"warning: {path}: resuming with a changed configuration: {string.Join(", ", changes)}; {RunConfigurationFile.FileName} now records it");
        RunConfigurationFile.Write(runDirectory, now);
    }

    /// <summary>The changes between the <paramref name="recorded"/> configuration and the one <paramref name="now"/>, in the compared sections.</summary>
    public static IReadOnlyList<ConfigurationChange> Changes(JsonObject recorded, JsonObject now, PipelinePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        List<string[]> sections = [["Forge"], ["Pipelines", plan.Name]];
        // An inline selection (name@key) lays its stage's keys, compared with the pipeline, over the plugin's shared section.
        sections.AddRange(ResolvedPipeline.PluginsOf(plan).Select(p => new[] { PluginKinds.SectionName(p.Kind), p.Name.Split('@')[0] }).DistinctBy(s => string.Join(':', s)));
        return sections.SelectMany(keys => ConfigurationChanges.Between(At(recorded, keys), At(now, keys), string.Join(':', keys), Neutral().IsMatch))
            .ToList();
    }

    private static JsonNode? At(JsonObject root, string[] keys)
    {
        JsonNode? node = root;
        foreach (string key in keys) node = node is JsonObject json && json.TryGetPropertyValue(key, out var child) ? child : null;
        return node;
    }

    /// <summary>Keys whose change leaves the continuation the same run (see the class summary).</summary>
    [GeneratedRegex(@"^(Forge:(DefaultPipeline|Seed|AllowedPluginSha256)|Pipelines:[^:]+:Stages:[0-9]+:(CheckpointEvery|KeepCheckpoints))$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Neutral();
}
