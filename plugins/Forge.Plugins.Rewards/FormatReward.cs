using System.ComponentModel;
using System.Text.RegularExpressions;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Rewards;

/// <summary>1 when the completion is exactly <c>&lt;think&gt;…&lt;/think&gt;</c> then <c>&lt;answer&gt;…&lt;/answer&gt;</c>, else 0.</summary>
public sealed partial class FormatReward(FormatOptions options) : RewardModel
{
    /// <inheritdoc />
    protected override double? Score(RewardInput input)
    {
        string text = options.AllowSurroundingWhitespace ? input.Completion.Trim() : input.Completion;
        if (options.ThinkOpensInPrompt) text = "<think>" + text;
        return WellFormed().IsMatch(text) ? 1.0 : 0.0;
    }

    // Linear: each position is tested against a fixed set of tags; no nested quantifiers.
    [GeneratedRegex(@"\A<think>(?:(?!</?think>|</?answer>).)*</think>\s*<answer>(?:(?!</?think>|</?answer>).)*</answer>\z", RegexOptions.Singleline)]
    private static partial Regex WellFormed();
}

/// <summary>Options of the <c>format</c> reward.</summary>
public sealed class FormatOptions
{
    /// <summary>Ignore leading and trailing whitespace around the whole completion.</summary>
    [Description("Ignore leading and trailing whitespace around the whole completion.")]
    public bool AllowSurroundingWhitespace { get; set; } = true;

    /// <summary>The prompt template ends with &lt;think&gt;, so the completion starts inside the reasoning block.</summary>
    [Description("The prompt template ends with <think>, so the completion starts inside the reasoning block.")]
    public bool ThinkOpensInPrompt { get; set; }
}

/// <summary>Exports <c>format</c>.</summary>
[ForgePlugin("format", PluginKind.Reward, Description = "1 for <think>…</think><answer>…</answer> and nothing else")]
public sealed class FormatRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, FormatReward, FormatOptions>(context);
}
