using Forge.Contracts.Sampling;
using Forge.Core.Artifacts;
using Forge.Core.Prompts;
using Forge.Core.Stages;
using Forge.Core.Tokenizers;
using Forge.Host.Serving;

namespace Forge.Host.Tests.Support;

/// <summary>
/// The smallest servable model: the Llama test checkpoint (random weights, 256 positions, vocabulary 400) with the
/// byte-level BPE test tokenizer of the same vocabulary. It answers gibberish, deterministically for a given seed.
/// </summary>
internal static class ServeTestModel
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "TestData", "models", "llama");

    public static string Tokenizer => Path.Combine(AppContext.BaseDirectory, "TestData", "tokenizers", "fixture");

    /// <summary>Its max_position_embeddings.</summary>
    public const int Positions = 256;

    /// <summary>A <c>forge serve</c> command line for it on a free port, plus <paramref name="extra"/>.</summary>
    public static string[] ServeArgs(params string[] extra) =>
        ["serve", "--model", Folder, "--tokenizer", Tokenizer, "--template", "{prompt}", "--port", "0", .. extra];

    /// <summary>The model behind a <see cref="ChatModel"/> whose sampler is <paramref name="sampler"/> (a test's).</summary>
    public static ChatModel Chat(ISampler sampler, ServeLimits? limits = null) =>
        new(new StageModel(new ModelStore().Load(Folder, TorchSharp.torch.CPU, TorchSharp.torch.ScalarType.Float32), TokenizerLoader.Load(Tokenizer), Tokenizer),
            sampler, PromptTemplate.FromFormat("{prompt}"), "llama", limits ?? new ServeLimits { ContextLength = Positions });
}
