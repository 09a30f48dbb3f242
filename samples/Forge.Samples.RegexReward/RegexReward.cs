using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Samples.RegexReward;

/// <summary>A third-party reward: <see cref="RegexRewardOptions.Score"/> when the completion matches a pattern, else 0.</summary>
public sealed class RegexReward(RegexRewardOptions options) : RewardModel
{
    private readonly Regex _pattern = new(options.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    protected override double? Score(RewardInput input) => _pattern.IsMatch(input.Completion) ? options.Score : 0.0;
}

/// <summary>Options, bound from <c>Rewards:regex-match</c>.</summary>
public sealed class RegexRewardOptions
{
    /// <summary>The .NET regular expression a completion must contain.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Pattern { get; set; } = "";

    /// <summary>The score of a matching completion.</summary>
    [Range(-100.0, 100.0)]
    public double Score { get; set; } = 1.0;
}

/// <summary>The plugin's entry point: exported name, kind, and service registration.</summary>
[ForgePlugin("regex-match", PluginKind.Reward, Description = "Score when the completion matches Rewards:regex-match:Pattern")]
public sealed class RegexRewardPlugin : IForgePlugin
{
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, RegexReward, RegexRewardOptions>(context);
}
