using Forge.Plugins.LanguageConsistency;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace Forge.Plugins.Rewards.Tests;

/// <summary>
/// The reward over the labelled set (TestData/language-consistency), with the options the host ships
/// (host/Forge.Host/appsettings.json, Rewards:language-consistency) and with the plugin's own defaults.
/// </summary>
public class LanguageConsistencySetTests(ITestOutputHelper output)
{
    public static TheoryData<string> Configurations => ["shipped", "plugin default"];

    /// <summary>The options of a configuration: the host's appsettings.json section bound over the defaults, or the defaults.</summary>
    public static LanguageConsistencyOptions Options(string configuration)
    {
        var options = new LanguageConsistencyOptions();
        if (configuration == "shipped")
        {
            var section = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "TestData", "host-appsettings.json"))
                .Build().GetSection("Rewards:language-consistency");
            section.Exists().Should().BeTrue("the host ships options for language-consistency");
            section.Bind(options);
        }
        return options;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Foreign_reasoning_scores_low_english_reasoning_high_and_mixed_its_share(string configuration)
    {
        var chains = LanguageSet.Load();
        chains.Should().HaveCountGreaterThanOrEqualTo(200);
        chains.SelectMany(c => c.Written.Split('+')).Distinct().Should().HaveCountGreaterThanOrEqualTo(6);
        chains.Select(c => c.Kind).Distinct().Should().BeEquivalentTo(["target", "foreign", "mixed"]);
        var scores = LanguageSet.Score(new LanguageConsistencyReward(Options(configuration)), chains);
        var accuracy = LanguageSet.Accuracy(chains, scores);
        foreach (var (group, value) in accuracy) output.WriteLine($"{group}: {LanguageSet.Format(value)}");
        for (int i = 0; i < chains.Count; i++)
            if (!LanguageSet.IsRight(chains[i], scores[i])) output.WriteLine($"wrong: {chains[i].Id} share {chains[i].Share} scored {scores[i]:F3}");

        foreach (string kind in new[] { "all foreign", "all target", "all mixed" })
            Rate(accuracy[kind]).Should().BeGreaterThanOrEqualTo(kind == "all mixed" ? 0.95 : 0.98, kind);
        foreach (var (group, value) in accuracy)
            Rate(value).Should().BeGreaterThanOrEqualTo(0.85, group);
    }

    private static double Rate((int Right, int Count) accuracy) => accuracy.Right / (double)accuracy.Count;
}
