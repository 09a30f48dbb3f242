using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Rewards;

/// <summary>
/// N-gram repetition penalty: −MaxPenalty × (share of the completion's word n-grams that repeat an earlier one), in
/// [−MaxPenalty, 0]. Words are whitespace-separated runs compared case-insensitively; each CJK character is a word.
/// Completions with fewer than n words score 0.
/// </summary>
public sealed class RepetitionReward(RepetitionOptions options) : RewardModel
{
    private const ulong Base = 1_000_003;

    /// <inheritdoc />
    protected override double? Score(RewardInput input)
    {
        var words = WordHashes(input.Completion);
        int n = options.NgramSize;
        if (words.Count < n) return 0.0;
        ulong power = 1;
        for (int i = 1; i < n; i++) power *= Base;
        ulong hash = 0;
        for (int i = 0; i < n; i++) hash = hash * Base + words[i];
        int total = words.Count - n + 1;
        var seen = new HashSet<ulong>(total) { hash };
        for (int i = n; i < words.Count; i++)
        {
            hash = (hash - words[i - n] * power) * Base + words[i];
            seen.Add(hash);
        }
        double repeated = 1.0 - seen.Count / (double)total;
        return repeated == 0 ? 0.0 : -options.MaxPenalty * repeated;
    }

    /// <summary>64-bit FNV-1a hashes of the lower-cased words.</summary>
    private static List<ulong> WordHashes(string text)
    {
        var hashes = new List<ulong>(text.Length / 5 + 1);
        ulong hash = 0;
        bool inWord = false;
        foreach (char raw in text)
        {
            bool ideograph = raw is >= '\u3040' and <= '\u9FFF' or >= '\uAC00' and <= '\uD7AF' or >= '\uF900' and <= '\uFAFF';
            if (char.IsWhiteSpace(raw) || ideograph)
            {
                if (inWord) hashes.Add(hash);
                inWord = false;
                if (ideograph) hashes.Add((14695981039346656037UL ^ raw) * 1099511628211UL);
                continue;
            }
            if (!inWord) hash = 14695981039346656037UL;
            inWord = true;
            hash = (hash ^ char.ToLowerInvariant(raw)) * 1099511628211UL;
        }
        if (inWord) hashes.Add(hash);
        return hashes;
    }
}

/// <summary>Options of the <c>repetition</c> reward.</summary>
public sealed class RepetitionOptions
{
    /// <summary>Words per n-gram.</summary>
    [Description("Words per n-gram.")]
    [Range(1, 64)]
    public int NgramSize { get; set; } = 3;

    /// <summary>Magnitude of the penalty when every n-gram repeats (the reward is its negative share).</summary>
    [Description("Magnitude of the penalty when every n-gram repeats (the reward is its negative share).")]
    [Range(0.0, 100.0)]
    public double MaxPenalty { get; set; } = 1.0;
}

/// <summary>Exports <c>repetition</c>.</summary>
[ForgePlugin("repetition", PluginKind.Reward, Description = "Negative share of repeated word n-grams times MaxPenalty")]
public sealed class RepetitionRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, RepetitionReward, RepetitionOptions>(context);
}
