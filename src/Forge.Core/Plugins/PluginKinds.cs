using Forge.Contracts.Data;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Forge.Contracts.Sampling;
using Forge.Contracts.Training;

namespace Forge.Core.Plugins;

/// <summary>How each <see cref="PluginKind"/> is named in messages and configuration, and which contract it resolves to.</summary>
public static class PluginKinds
{
    /// <summary>Lower-case name used in messages and <c>forge plugins</c>: reward, optimizer, sampler, distiller, prompt-source.</summary>
    public static string DisplayName(PluginKind kind) => kind switch
    {
        PluginKind.Reward => "reward",
        PluginKind.Optimizer => "optimizer",
        PluginKind.Sampler => "sampler",
        PluginKind.Distiller => "distiller",
        PluginKind.PromptSource => "prompt-source",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Configuration section holding the options of the plugins of this kind: <c>Rewards</c>, <c>Optimizers</c>, …</summary>
    public static string SectionName(PluginKind kind) => kind switch
    {
        PluginKind.Reward => "Rewards",
        PluginKind.Optimizer => "Optimizers",
        PluginKind.Sampler => "Samplers",
        PluginKind.Distiller => "Distillers",
        PluginKind.PromptSource => "PromptSources",
        _ => kind.ToString(),
    };

    /// <summary>The options section of one plugin, e.g. <c>Rewards:accuracy</c>.</summary>
    public static string SectionPath(PluginKind kind, string name) => $"{SectionName(kind)}:{name}";

    /// <summary>The contract interface a plugin of this kind is resolved as.</summary>
    public static Type ContractType(PluginKind kind) => kind switch
    {
        PluginKind.Reward => typeof(IRewardModel),
        PluginKind.Optimizer => typeof(IPolicyOptimizer),
        PluginKind.Sampler => typeof(ISampler),
        PluginKind.Distiller => typeof(IDistiller),
        PluginKind.PromptSource => typeof(IPromptSource),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The kind whose contract is <typeparamref name="T"/>.</summary>
    public static PluginKind Of<T>() => Enum.GetValues<PluginKind>().First(k => ContractType(k) == typeof(T));
}
