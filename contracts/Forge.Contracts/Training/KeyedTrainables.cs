using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Forge.Contracts.Training;

/// <summary>
/// <see cref="ITrainingContext.Trainable{T}"/> for contexts that do not implement it: a table of keyed modules per
/// context instance, kept as long as the context lives.
/// </summary>
internal static class KeyedTrainables
{
    private static readonly ConditionalWeakTable<ITrainingContext, Dictionary<string, nn.Module>> Tables = new();

    public static T GetOrAdd<T>(ITrainingContext context, string key, Func<T> create) where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(create);
        var modules = Tables.GetValue(context, _ => new Dictionary<string, nn.Module>(StringComparer.Ordinal));
        lock (modules)
        {
            if (modules.TryGetValue(key, out var existing))
                return existing as T ?? throw new InvalidOperationException($"the trainable module \"{key}\" of this stage is a {existing.GetType().Name}, not a {typeof(T).Name}");
            var module = create() ?? throw new InvalidOperationException($"the factory of trainable module \"{key}\" returned null");
            // Created during some step, it must outlive that step's dispose scope.
            foreach (var tensor in module.parameters().Concat(module.buffers())) tensor.DetachFromDisposeScope();
            context.AddTrainable(module);
            modules.Add(key, module);
            return module;
        }
    }
}
