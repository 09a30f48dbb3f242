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
        var isolation = configuration.GetSection("Forge:RewardIsolation");
        var bound = Configuration.StrictBinder.Bind<RewardIsolationOptions>(isolation);
        Configuration.OptionsValidator.Validate(bound, isolation.Path);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(bound));
        services.AddSingleton<RewardComposerFactory>();
        services.AddSingleton<PipelineRunner>();
        services.AddSingleton<Artifacts.IModelStore, Artifacts.ModelStore>();
        services.AddStage<ScoreStage, ScoreStageOptions>("score");
        services.AddStage<SftStage, SftStageOptions>("sft");
        services.AddStage<RlStage, RlStageOptions>("rl");
        services.AddStage<DistillStage, DistillStageOptions>("distill");
        services.AddStage<RejectionSamplingStage, RejectionSamplingStageOptions>("rejection-sampling");
        services.AddStage<EvalStage, EvalStageOptions>("eval");
        return services;
    }

    /// <summary>Registers a stage kind under its configuration name, its stages bound to <typeparamref name="TOptions"/>.</summary>
    public static IServiceCollection AddStage<TStage, TOptions>(this IServiceCollection services, string kind)
        where TStage : class, IStage where TOptions : StageOptions, new()
    {
        services.AddKeyedSingleton<IStage, TStage>(kind);
        services.AddSingleton(new StageKind(kind, typeof(TOptions)));
        return services;
    }
}
