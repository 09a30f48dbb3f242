using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Rewards;

/// <summary>1 when the completion is exactly <c>&lt;think&gt;…&lt;/think&gt;</c> then <c>&lt;answer&gt;…&lt;/answer&gt;</c>, else 0.</summary>
public sealed partial class FormatReward(FormatOptions options) : RewardModel
{
    protected override double? Score(RewardInput input)
    {
        string text = options.AllowSurroundingWhitespace ? input.Completion.Trim() : input.Completion;
        return WellFormed().IsMatch(text) ? 1.0 : 0.0;
    }

    [GeneratedRegex(@"\A<think>(?:(?!</?think>|</?answer>).)*</think>\s*<answer>(?:(?!</?think>|</?answer>).)*</answer>\z", RegexOptions.Singleline)]
    private static partial Regex WellFormed();
}

/// <summary>Options of the <c>format</c> reward.</summary>
public sealed class FormatOptions
{
    /// <summary>Ignore leading and trailing whitespace around the whole completion.</summary>
    public bool AllowSurroundingWhitespace { get; set; } = true;
}

[ForgePlugin("format", PluginKind.Reward, Description = "1 for <think>…</think><answer>…</answer> and nothing else")]
public sealed class FormatRewardPlugin : IForgePlugin
{
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, FormatReward, FormatOptions>(context);
}
