using System.Text.Json.Nodes;
using Forge.Contracts.Models;
using Forge.Core.Adapters;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using Forge.Core.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Artifacts;

/// <summary>Hugging Face checkpoints and tokenizers through Forge's own loaders.</summary>
public sealed class ModelStore : IModelStore
{
    /// <inheritdoc />
    /// <remarks>A PEFT LoRA adapter folder (adapter_config.json, no config.json) loads as its base model — the folder
    /// its <c>base_model_name_or_path</c> names — with the update merged in.</remarks>
    public ILanguageModel Load(string directory, Device device, ScalarType dtype)
    {
        if (!PeftAdapterFolder.IsAdapter(directory)) return CheckpointLoader.Load(directory, device, dtype);
        var (_, baseModel) = PeftAdapterFolder.ReadConfig(directory);
        return LoadMerged(PeftAdapterFolder.ResolveBase(directory, baseModel), directory, device, dtype);
    }

    /// <summary>The model in <paramref name="baseDirectory"/> with the adapter in <paramref name="adapterDirectory"/> merged into its weights.</summary>
    public static DecoderModel LoadMerged(string baseDirectory, string adapterDirectory, Device device, ScalarType dtype) =>
        LoadMerged(baseDirectory, adapterDirectory, device, dtype, depth: 0);

    private static DecoderModel LoadMerged(string baseDirectory, string adapterDirectory, Device device, ScalarType dtype, int depth)
    {
        DecoderModel model;
        if (!PeftAdapterFolder.IsAdapter(baseDirectory)) model = CheckpointLoader.Load(baseDirectory, device, dtype);
        else if (depth >= 16) throw new ForgeDataException($"{adapterDirectory}: more than 16 adapters stacked on each other (do their base_model_name_or_path form a cycle?)");
        else model = LoadMerged(PeftAdapterFolder.ResolveBase(baseDirectory, PeftAdapterFolder.ReadConfig(baseDirectory).BaseModel), baseDirectory, device, dtype, depth + 1);
        try
        {
            using var adapter = PeftAdapterFolder.Load(adapterDirectory, model);
            adapter.Merge();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ILanguageModel Create(string configJson, Device device, ScalarType dtype, long seed)
    {
        var raw = JsonNode.Parse(configJson) as JsonObject ?? throw new ForgeDataException("model config: expected a JSON object");
        var config = ModelConfig.Parse(raw, "model config");
        ModelMemory.Require(config, dtype, device, "model config");
        manual_seed(seed);
        if (device.type == DeviceType.CPU) return ModelMemory.Allocate(() => new DecoderModel(config, device, dtype), config, dtype, device, "model config");
        // The weights are drawn by the CPU's generator, so a seed gives the same new model on every device.
        ModelMemory.Require(config, dtype, CPU, "model config");
        using var drawn = ModelMemory.Allocate(() => new DecoderModel(config, CPU, dtype), config, dtype, CPU, "model config");
        return ModelMemory.Allocate(() => drawn.CopyTo(device), config, dtype, device, "model config");
    }

    /// <inheritdoc />
    public ITokenizer LoadTokenizer(string path) => TokenizerLoader.Load(path);
}
