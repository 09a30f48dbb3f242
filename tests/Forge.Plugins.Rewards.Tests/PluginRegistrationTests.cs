using System.Reflection;
using Forge.Contracts.Data;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Forge.Plugins.LanguageConsistency;
using Forge.Plugins.Rewards;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forge.Plugins.Rewards.Tests;

public class PluginRegistrationTests
{
    /// <summary>A module, its exported name, options to set, and a completion with the score it should get.</summary>
    public sealed record Case(IForgePlugin Module, string Name, Dictionary<string, string?> Settings, PromptRow Row, string Completion, double Expected)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Valid => new()
    {
        new(new AccuracyRewardPlugin(), "accuracy", new() { ["RelativeTolerance"] = "0.01" }, Rows.With(("answer", "1.41")), @"\boxed{\sqrt2}", 1.0),
        new(new FormatRewardPlugin(), "format", new() { ["AllowSurroundingWhitespace"] = "false" }, Rows.With(), " <think>a</think><answer>1</answer>", 0.0),
        new(new TagCountRewardPlugin(), "tag-count", new() { ["ThinkOpensInPrompt"] = "true" }, Rows.With(), "a</think><answer>1</answer>", 1.0),
        new(new CountdownRewardPlugin(), "countdown", new() { ["NumbersColumn"] = "nums" }, Rows.With(("nums", new[] { 2, 3 }), ("target", 6)), "<answer>2*3</answer>", 1.0),
        new(new CosineRewardPlugin(), "cosine", new() { ["MaxLength"] = "10", ["MinCorrect"] = "0.2" }, Rows.With(("answer", "4")), "w w w w w w w w w w w <answer>4</answer>", 0.2),
        new(new RepetitionRewardPlugin(), "repetition", new() { ["NgramSize"] = "1", ["MaxPenalty"] = "2" }, Rows.With(), "a a", -1.0),
        new(new OverlongRewardPlugin(), "overlong", new() { ["MaxLength"] = "4", ["CacheLength"] = "2" }, Rows.With(), "a b c", -0.5),
        new(new LanguageConsistencyRewardPlugin(), "language-consistency", new() { ["DefaultLanguage"] = "ru", ["CandidateLanguages"] = "en, ru" },
            Rows.With(), "<think>Давайте проверим это ещё раз.</think>", 1.0),
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Module_registers_a_keyed_reward_bound_to_its_options(Case c)
    {
        var attribute = c.Module.GetType().GetCustomAttribute<ForgePluginAttribute>();
        attribute.Should().NotBeNull();
        attribute!.Name.Should().Be(c.Name);
        attribute.Kind.Should().Be(PluginKind.Reward);
        attribute.Description.Should().NotBeNullOrWhiteSpace();

        using var provider = Build(c.Module, c.Name, c.Settings);
        var reward = provider.GetRequiredKeyedService<IRewardModel>(c.Name);
        reward.Score(c.Row, c.Completion)!.Value.Should().BeApproximately(c.Expected, 1e-9);
        provider.GetRequiredKeyedService<IRewardModel>(c.Name).Should().BeSameAs(reward, "rewards are keyed singletons");
    }

    public static TheoryData<string, IForgePlugin, Dictionary<string, string?>, Func<IServiceProvider, string, object>> Invalid => new()
    {
        { "accuracy", new AccuracyRewardPlugin(), new() { ["MaxAnswerLength"] = "-1" }, Get<AccuracyOptions> },
        { "accuracy", new AccuracyRewardPlugin(), new() { ["AnswerColumn"] = "" }, Get<AccuracyOptions> },
        { "countdown", new CountdownRewardPlugin(), new() { ["MaxExpressionLength"] = "0" }, Get<CountdownOptions> },
        { "cosine", new CosineRewardPlugin(), new() { ["MaxLength"] = "-5" }, Get<CosineOptions> },
        { "cosine", new CosineRewardPlugin(), new() { ["MinCorrect"] = "2", ["MaxCorrect"] = "1" }, Get<CosineOptions> },
        { "repetition", new RepetitionRewardPlugin(), new() { ["NgramSize"] = "0" }, Get<RepetitionOptions> },
        { "repetition", new RepetitionRewardPlugin(), new() { ["MaxPenalty"] = "-1" }, Get<RepetitionOptions> },
        { "overlong", new OverlongRewardPlugin(), new() { ["MaxLength"] = "-1" }, Get<OverlongOptions> },
        { "overlong", new OverlongRewardPlugin(), new() { ["MaxLength"] = "100", ["CacheLength"] = "200" }, Get<OverlongOptions> },
        { "language-consistency", new LanguageConsistencyRewardPlugin(), new() { ["CandidateLanguages"] = "en,klingon" }, Get<LanguageConsistencyOptions> },
        { "language-consistency", new LanguageConsistencyRewardPlugin(), new() { ["DefaultLanguage"] = "fr", ["CandidateLanguages"] = "en,de" }, Get<LanguageConsistencyOptions> },
        { "language-consistency", new LanguageConsistencyRewardPlugin(), new() { ["DetectionLanguages"] = "de,klingon" }, Get<LanguageConsistencyOptions> },
        { "language-consistency", new LanguageConsistencyRewardPlugin(), new() { ["ContextWords"] = "0" }, Get<LanguageConsistencyOptions> },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_options_fail_validation(string name, IForgePlugin module, Dictionary<string, string?> settings, Func<IServiceProvider, string, object> get)
    {
        using var provider = Build(module, name, settings);
        var act = () => get(provider, name);
        act.Should().Throw<OptionsValidationException>();
        var resolve = () => provider.GetRequiredKeyedService<IRewardModel>(name);
        resolve.Should().Throw<OptionsValidationException>();
    }

    [Theory]
    [InlineData("format")]
    [InlineData("tag-count")]
    public void Unknown_option_keys_are_rejected(string name)
    {
        IForgePlugin module = name == "format" ? new FormatRewardPlugin() : new TagCountRewardPlugin();
        using var provider = Build(module, name, new() { ["NoSuchOption"] = "1" });
        var resolve = () => provider.GetRequiredKeyedService<IRewardModel>(name);
        resolve.Should().Throw<InvalidOperationException>();
    }

    private static object Get<T>(IServiceProvider provider, string name) where T : class =>
        provider.GetRequiredService<IOptionsMonitor<T>>().Get(name);

    private static ServiceProvider Build(IForgePlugin module, string name, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(kv => KeyValuePair.Create($"Plugins:{name}:{kv.Key}", kv.Value)))
            .Build();
        var services = new ServiceCollection();
        module.ConfigureServices(services, new PluginContext(name, PluginKind.Reward, configuration.GetSection($"Plugins:{name}")));
        return services.BuildServiceProvider();
    }
}
