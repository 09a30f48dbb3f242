using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Models;

namespace Forge.Bench;

/// <summary>The model shapes of the peer scripts (shared/tools/peer_generate.py), as config.json text.</summary>
internal static class Shapes
{
    public static string Config(string shape) => shape switch
    {
        "qwen2.5-0.5b" => Qwen2(896, 4864, 24, 14, 2),
        "qwen2.5-1.5b" => Qwen2(1536, 8960, 28, 12, 2),
        "tiny" => Qwen2(128, 512, 4, 4, 2, vocab: 2048),
        _ => throw new ArgumentException($"unknown shape {shape} (tiny, qwen2.5-0.5b, qwen2.5-1.5b)"),
    };

    /// <summary>The random-weight model named by --shape, on --device as --dtype (seeded, as the peers use seed 0).</summary>
    public static DecoderModel Create(Args args) => (DecoderModel)new ModelStore().Create(Config(args.Get("shape", "tiny")),
        DeviceSelector.Parse(args.Get("device", "cpu")), ModelConfig.ParseDType(args.Get("dtype", "bfloat16"), "--dtype"), seed: 0);

    /// <summary><paramref name="count"/> prompts of random token ids, like the peers' torch.randint prompts.</summary>
    public static List<IReadOnlyList<int>> RandomPrompts(Random random, int count, int length, int vocab) =>
        Enumerable.Range(0, count).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, length).Select(_ => random.Next(vocab)).ToArray()).ToList();

    private static string Qwen2(int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab = 151936) => $$"""
        {"model_type":"qwen2","architectures":["Qwen2ForCausalLM"],"hidden_size":{{hidden}},"intermediate_size":{{intermediate}},
         "num_hidden_layers":{{layers}},"num_attention_heads":{{heads}},"num_key_value_heads":{{kvHeads}},"vocab_size":{{vocab}},
         "tie_word_embeddings":true,"rope_theta":1000000.0,"max_position_embeddings":4096,"rms_norm_eps":1e-6}
        """;
}
