using System.Text.Json.Nodes;
using Forge.Contracts.Models;
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
    public ILanguageModel Load(string directory, Device device, ScalarType dtype) => CheckpointLoader.Load(directory, device, dtype);

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
