using System.ComponentModel;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Rewards;

/// <summary>
/// A softer <c>format</c>: 0.25 for each correctly placed tag — <c>&lt;think&gt;</c> once, at the start;
/// <c>&lt;/think&gt;</c> once; <c>&lt;answer&gt;</c> once, after <c>&lt;/think&gt;</c>; <c>&lt;/answer&gt;</c> once,
/// at the end (surrounding whitespace ignored). Scores 0, 0.25, 0.5, 0.75 or 1.
/// </summary>
public sealed class TagCountReward(TagCountOptions options) : RewardModel
{
    /// <inheritdoc />
    protected override double? Score(RewardInput input)
    {
        var text = input.Completion.AsSpan().Trim();
        double score = 0;
        if (options.ThinkOpensInPrompt ? Count(text, "<think>") == 0 : Count(text, "<think>") == 1 && text.StartsWith("<think>"))
            score += 0.25;
        int thinkEnd = text.IndexOf("</think>");
        if (Count(text, "</think>") == 1) score += 0.25;
        int answer = text.IndexOf("<answer>");
        if (Count(text, "<answer>") == 1 && thinkEnd >= 0 && answer > thinkEnd) score += 0.25;
        if (Count(text, "</answer>") == 1 && text.EndsWith("</answer>")) score += 0.25;
        return score;
    }

    private static int Count(ReadOnlySpan<char> text, string tag)
    {
        int count = 0;
        while (count < 2)
        {
            int at = text.IndexOf(tag);
            if (at < 0) break;
            count++;
            text = text[(at + tag.Length)..];
        }
        return count;
    }
}

/// <summary>Options of the <c>tag-count</c> reward.</summary>
public sealed class TagCountOptions
{
    /// <summary>The prompt template ends with &lt;think&gt;: credit its absence from the completion instead.</summary>
    [Description("The prompt template ends with <think>: credit its absence from the completion instead.")]
    public bool ThinkOpensInPrompt { get; set; }
}

/// <summary>Exports <c>tag-count</c>.</summary>
[ForgePlugin("tag-count", PluginKind.Reward, Description = "0.25 per correctly placed <think>/</think>/<answer>/</answer> tag")]
public sealed class TagCountRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, TagCountReward, TagCountOptions>(context);
}
