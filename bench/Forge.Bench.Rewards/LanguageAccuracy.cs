using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Forge.Plugins.LanguageConsistency;
using Forge.Plugins.Rewards.Tests;

namespace Forge.Bench.Rewards;

/// <summary>
/// Accuracy of <c>language-consistency</c> on the labelled set (tests/Forge.Plugins.Rewards.Tests/TestData/language-consistency)
/// per group of chains, with one configuration per process (so that its memory is its own), and its cost: the first
/// pass over the set (loads Lingua's models), a second pass (µs per chain), and the memory then held.
/// </summary>
internal static class LanguageAccuracy
{
    /// <summary>
    /// The configurations: what the host ships, the plugin's defaults, two trade-offs, and "held-out": the default
    /// detection languages less four of the set's foreign languages (Polish, Czech, Swedish, Turkish), to see whether
    /// a language Lingua is not asked about still counts as foreign; "lean": only the 7 Latin-script languages of the
    /// plugin's default candidates (en de fr es it pt nl) among the default detection languages.
    /// </summary>
    public static readonly string[] Configurations = ["shipped", "default", "low-accuracy", "all-languages", "held-out", "lean"];

    public static int Run(string configuration)
    {
        var options = Options(configuration);
        var chains = LanguageSet.Load();
        var watch = Stopwatch.StartNew();
        var reward = new LanguageConsistencyReward(options);
        var scores = LanguageSet.Score(reward, chains);
        double firstSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        LanguageSet.Score(reward, chains);
        double microsPerChain = watch.Elapsed.TotalMicroseconds / chains.Count;
        long managed = GC.GetTotalMemory(forceFullCollection: true);

        var accuracy = LanguageSet.Accuracy(chains, scores);
        double[] Of(string kind) => [.. chains.Select((c, i) => (c, s: scores[i] ?? double.NaN)).Where(x => x.c.Kind == kind).Select(x => x.s)];
        double[] foreign = Of("foreign"), target = Of("target");
        var mixedError = chains.Select((c, i) => (c, s: scores[i])).Where(x => x.c.Kind == "mixed").Select(x => Math.Abs((x.s ?? double.NaN) - x.c.Share)).ToList();
        Console.WriteLine(Invariant($"{configuration}: CandidateLanguages={options.CandidateLanguages}, DetectionLanguages={options.DetectionLanguages}, LowAccuracyMode={options.LowAccuracyMode}, ContextWords={options.ContextWords}"));
        Console.WriteLine();
        Console.WriteLine("| chains | n | right | accuracy |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (group, (right, count)) in accuracy)
            Console.WriteLine(Invariant($"| {group} | {count} | {right} | {100.0 * right / count:F1}% |"));
        Console.WriteLine();
        Console.WriteLine(Invariant($"foreign: mean score {foreign.Average():F3}, highest {foreign.Max():F3}; target: mean {target.Average():F3}, lowest {target.Min():F3}; mixed: mean |score - share| {mixedError.Average():F3}, largest {mixedError.Max():F3}"));
        Console.WriteLine(Invariant($"first pass {firstSeconds:F1} s (builds detectors, loads models); then {microsPerChain:N0} µs per chain; managed memory {managed >> 20} MiB, working set {Environment.WorkingSet >> 20} MiB"));
        return 0;
    }

    private static LanguageConsistencyOptions Options(string configuration) => configuration switch
    {
        "shipped" => new LanguageConsistencyOptions { CandidateLanguages = ShippedCandidates() },
        "default" => new LanguageConsistencyOptions(),
        "low-accuracy" => new LanguageConsistencyOptions { LowAccuracyMode = true },
        "all-languages" => new LanguageConsistencyOptions { DetectionLanguages = LanguageConsistencyOptions.AllLanguages },
        "held-out" => new LanguageConsistencyOptions
        {
            DetectionLanguages = string.Join(',', LanguageConsistencyOptions.DefaultDetectionLanguages.Split(',').Except(["pl", "cs", "sv", "tr"])),
        },
        "lean" => new LanguageConsistencyOptions
        {
            DetectionLanguages = string.Join(',', LanguageConsistencyOptions.DefaultDetectionLanguages.Split(',').Except(["sv", "ro", "pl", "cs", "fi", "hu", "tr", "id", "vi"])),
        },
        _ => throw new ArgumentException($"unknown configuration '{configuration}'; one of {string.Join(", ", Configurations)}"),
    };

    /// <summary>Rewards:language-consistency:CandidateLanguages of host/Forge.Host/appsettings.json (copied beside the bench).</summary>
    private static string ShippedCandidates()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host-appsettings.json")));
        return settings.RootElement.GetProperty("Rewards").GetProperty("language-consistency").GetProperty("CandidateLanguages").GetString()!;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
