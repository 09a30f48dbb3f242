using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Rewards;

/// <summary>
/// DAPO's soft overlong punishment: 0 up to MaxLength − CacheLength tokens, then linearly down to −1 at MaxLength,
/// and −1 beyond. Length: <see cref="RewardInput.CompletionTokens"/>, else the whitespace-separated word count.
/// </summary>
public sealed class OverlongReward(OverlongOptions options) : RewardModel
{
    /// <inheritdoc />
    protected override double? Score(RewardInput input)
    {
        int length = CompletionParts.Length(input.Completion, input.CompletionTokens);
        int soft = options.MaxLength - options.CacheLength;
        if (length <= soft) return 0.0;
        if (length <= options.MaxLength) return (soft - length) / (double)options.CacheLength;
        return -1.0;
    }
}

/// <summary>Options of the <c>overlong</c> reward.</summary>
public sealed class OverlongOptions : IValidatableObject
{
    /// <summary>Length (tokens) at which the punishment reaches −1; usually the generation limit.</summary>
    [Description("Length (tokens) at which the punishment reaches −1; usually the generation limit.")]
    [Range(1, 10_000_000)]
    public int MaxLength { get; set; } = 4096;

    /// <summary>Width (tokens) of the linear punishment zone before MaxLength.</summary>
    [Description("Width (tokens) of the linear punishment zone before MaxLength.")]
    [Range(1, 10_000_000)]
    public int CacheLength { get; set; } = 1024;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CacheLength > MaxLength) yield return new ValidationResult("CacheLength must not exceed MaxLength", [nameof(CacheLength)]);
    }
}

/// <summary>Exports <c>overlong</c>.</summary>
[ForgePlugin("overlong", PluginKind.Reward, Description = "DAPO soft overlong punishment: 0, then linear to -1 over the last CacheLength tokens")]
public sealed class OverlongRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, OverlongReward, OverlongOptions>(context);
}
