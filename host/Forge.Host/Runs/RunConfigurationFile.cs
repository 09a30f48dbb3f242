using System.Reflection;
using System.Text.Json.Nodes;
using Forge.Contracts.Plugins;
using Forge.Core;
using Forge.Core.Configuration;
using Forge.Core.Data;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Host.Hosting;
using Microsoft.Extensions.Configuration;

namespace Forge.Host.Runs;

/// <summary>
/// <c>config.json</c> of a run folder: the configuration the run used — the Forge section, its pipeline and every
/// plugin section, as they were after all layers (appsettings.json, --config, env FORGE_…, --set) — with
/// <c>Forge:DefaultPipeline</c> and <c>Forge:Seed</c> set to the run's, so that
/// <c>forge run --config runs/x/config.json --output runs/y</c> repeats the run. The <c>Run</c> section records the
/// command line, pipeline, seed and Forge version (informational; read back, it changes nothing).
/// </summary>
internal static class RunConfigurationFile
{
    public const string FileName = "config.json";

    /// <summary>The configuration a run into <paramref name="runDirectory"/> uses, as <c>config.json</c> holds it.</summary>
    public static JsonObject Build(string runDirectory, ForgeApplication app, PipelinePlan plan, int seed, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(plan);
        var configuration = app.Configuration;
        var root = TypedConfigurationJson.NewObject();
        var run = TypedConfigurationJson.NewObject();
        run["CommandLine"] = commandLine;
        run["Pipeline"] = plan.Name;
        run["Seed"] = seed;
        run["ForgeVersion"] = typeof(RunConfigurationFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        root["Run"] = run;
        root["Forge"] = Forge(configuration.GetSection("Forge"), app.Settings, plan.Name, seed);
        var pipelines = TypedConfigurationJson.NewObject();
        pipelines[plan.Name] = Pipeline(plan, runDirectory);
        root["Pipelines"] = pipelines;
        foreach (var kind in Enum.GetValues<PluginKind>())
        {
            var section = configuration.GetSection(PluginKinds.SectionName(kind));
            if (section.GetChildren().Any()) root[section.Key] = Plugins(section, kind, app);
        }
        return root;
    }

    /// <summary>Writes <paramref name="configuration"/> (from <see cref="Build"/>) as the run folder's <c>config.json</c>.</summary>
    public static void Write(string runDirectory, JsonObject configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Directory.CreateDirectory(runDirectory);
        File.WriteAllText(Path.Combine(runDirectory, FileName), configuration.ToJsonString(ForgeJson.Indented) + "\n");
    }

    /// <summary>
    /// The run folder's <c>config.json</c> (keys ignoring case, as configuration's do), or null when the folder has
    /// none; one that is not a JSON object is a <see cref="ForgeDataException"/> naming the file.
    /// </summary>
    public static JsonObject? Read(string runDirectory)
    {
        string path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), new JsonNodeOptions { PropertyNameCaseInsensitive = true }) as JsonObject
                ?? throw new ForgeDataException($"{path}: expected a JSON object");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ForgeDataException($"{path}: invalid JSON ({JsonErrors.Describe(ex)})");
        }
    }

    private static JsonNode Forge(IConfigurationSection section, HostSettings settings, string pipeline, int seed)
    {
        var forge = TypedConfigurationJson.From(section, typeof(ForgeOptions)) as JsonObject ?? TypedConfigurationJson.NewObject();
        forge["DefaultPipeline"] = pipeline;
        forge["Seed"] = seed;
        // Plugin folders as full paths, --plugins ones included: the repeat may start from another working directory.
        var folders = StrictBinder.Bind<ForgeOptions>(section).PluginDirectories.Where(d => !string.IsNullOrWhiteSpace(d))
            .Concat(settings.PluginDirectories).Select(Path.GetFullPath).Distinct().ToList();
        forge["PluginDirectories"] = new JsonArray(folders.Select(f => (JsonNode)f).ToArray());
        return forge;
    }

    /// <summary>The pipeline's keys, each stage typed by its kind's options class and its input paths made to resolve from any run folder.</summary>
    private static JsonNode Pipeline(PipelinePlan plan, string runDirectory)
    {
        var pipeline = TypedConfigurationJson.From(plan.Section, typeof(PipelineOptions)) as JsonObject ?? TypedConfigurationJson.NewObject();
        var stages = new JsonArray();
        var earlier = new List<string>();
        foreach (var stage in plan.Stages)
        {
            var written = earlier.ToList();
            stages.Add(TypedConfigurationJson.From(stage.Section, stage.Options.GetType(), (value, setting) => RepeatablePath(value, setting, written, runDirectory)));
            earlier.Add(stage.Name);
        }
        pipeline["Stages"] = stages;
        return pipeline;
    }

    /// <summary>
    /// A path setting as a repeat into another run folder needs it: an earlier stage's artifact
    /// (<c>checkpoints/&lt;stage&gt;</c>, <c>data/&lt;stage&gt;.jsonl</c>) and a file beside the executable stay relative;
    /// any other relative path — in this run folder or the working directory — becomes the full path it resolved to.
    /// </summary>
    private static string RepeatablePath(string value, PathSettingAttribute setting, IReadOnlyList<string> earlier, string runDirectory)
    {
        if (string.IsNullOrWhiteSpace(value) || value == setting.Except || Path.IsPathRooted(value)) return value;
        string normalized = value.Replace('\\', '/').TrimEnd('/');
        if (earlier.Any(stage => normalized == $"checkpoints/{stage}" || normalized == $"data/{stage}.jsonl")) return value;
        string resolved = StagePaths.Resolve(value, runDirectory)!;
        return resolved == Path.Combine(AppContext.BaseDirectory, value) ? value : Path.GetFullPath(resolved);
    }

    /// <summary>A plugin section (<c>Rewards</c>): each plugin's options typed by its options class; instances as <c>Plugin</c> + <c>Options</c>.</summary>
    private static JsonNode Plugins(IConfigurationSection section, PluginKind kind, ForgeApplication app)
    {
        var json = TypedConfigurationJson.NewObject();
        foreach (var child in section.GetChildren())
        {
            var instance = app.PluginOptionTypes.FirstOrDefault(p => p.Key.Plugin.Kind == kind && p.Key.Name == child.Key);
            Type? type = instance.Value is { Count: > 0 } types ? types[0] : null;
            if (instance.Key is { } registered && registered.Plugin.Name != child.Key)
            {
                var alias = TypedConfigurationJson.From(child, null) as JsonObject ?? TypedConfigurationJson.NewObject();
                if (registered.Options.GetChildren().Any()) alias["Options"] = TypedConfigurationJson.From(registered.Options, type);
                json[child.Key] = alias;
            }
            else json[child.Key] = TypedConfigurationJson.From(child, type);
        }
        return json;
    }
}
