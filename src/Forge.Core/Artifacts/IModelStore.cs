using Forge.Contracts.Models;
using static TorchSharp.torch;

namespace Forge.Core.Artifacts;

/// <summary>Where stages get models and tokenizers: Hugging Face folders in, Hugging Face folders out.</summary>
public interface IModelStore
{
    /// <summary>Loads the checkpoint in <paramref name="directory"/> (config.json + safetensors).</summary>
    ILanguageModel Load(string directory, Device device, ScalarType dtype);

    /// <summary>A freshly initialised model from a config.json written as <paramref name="configJson"/>.</summary>
    ILanguageModel Create(string configJson, Device device, ScalarType dtype, long seed);

    /// <summary>The tokenizer at <paramref name="path"/>: a tokenizer.json or the folder holding it.</summary>
    ITokenizer LoadTokenizer(string path);
}
