using Forge.Contracts.Models;
using Forge.Core;
using Forge.Core.Adapters;
using Forge.Core.Artifacts;
using Forge.Core.Prompts;
using static TorchSharp.torch;

namespace Forge.Host.Cli;

/// <summary>
/// <c>--adapter DIR</c> of <c>generate</c>, <c>serve</c> and <c>eval</c>: a PEFT LoRA adapter merged into the
/// <c>--model</c> folder's weights as they load (inference needs no separate branch), and the adapter's own prompt
/// template (forge.json beside it, as a Forge stage writes it) ahead of the base's.
/// </summary>
internal static class AdapterArgument
{
    /// <summary>The model in <paramref name="modelDir"/>, with the adapter in <paramref name="adapterDir"/> merged when given.</summary>
    public static ILanguageModel Load(IModelStore store, string modelDir, string? adapterDir, Device device, ScalarType dtype)
    {
        if (adapterDir is null) return store.Load(modelDir, device, dtype);
        if (!Directory.Exists(adapterDir)) throw new ForgeDataException($"--adapter: {adapterDir}: no such adapter folder");
        return ModelStore.LoadMerged(modelDir, adapterDir, device, dtype);
    }

    /// <summary>Where the checkpoint's template is read: the adapter folder when it records one, else the model folder.</summary>
    public static string TemplateFolder(string modelDir, string? adapterDir) =>
        adapterDir is not null && File.Exists(Path.Combine(adapterDir, CheckpointTemplate.FileName)) ? adapterDir : modelDir;
}
