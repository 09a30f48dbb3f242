using Forge.Core.Pipelines;
using Forge.Core.Rewards;
using Forge.Core.Stages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Core;

/// <summary>Registers the engine: pipeline runner, stage kinds, reward composition.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>Adds the engine's services; <paramref name="configuration"/> supplies <c>Forge:RewardIsolation</c>.</summary>
    public static IServiceCollection AddForgeCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RewardIsolationOptions>().Bind(configuration.GetSection("Forge:RewardIsolation"));
        services.AddSingleton<RewardComposerFactory>();
        services.AddSingleton<PipelineRunner>();
        services.AddSingleton<Artifacts.IModelStore, Artifacts.ModelStore>();
        services.AddStage<ScoreStage>("score");
        services.AddStage<SftStage>("sft");
        services.AddStage<RlStage>("rl");
        services.AddStage<SftStage>("distill");
        services.AddStage<RejectionSamplingStage>("rejection-sampling");
        services.AddStage<EvalStage>("eval");
        return services;
    }

    /// <summary>Registers a stage kind under its configuration name.</summary>
    public static IServiceCollection AddStage<TStage>(this IServiceCollection services, string kind) where TStage : class, IStage
    {
        services.AddKeyedSingleton<IStage, TStage>(kind);
        services.AddSingleton(new StageKind(kind));
        return services;
    }
}
