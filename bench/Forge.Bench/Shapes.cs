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

    private static string Qwen2(int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab = 151936) => $$"""
        {"model_type":"qwen2","architectures":["Qwen2ForCausalLM"],"hidden_size":{{hidden}},"intermediate_size":{{intermediate}},
         "num_hidden_layers":{{layers}},"num_attention_heads":{{heads}},"num_key_value_heads":{{kvHeads}},"vocab_size":{{vocab}},
         "tie_word_embeddings":true,"rope_theta":1000000.0,"max_position_embeddings":4096,"rms_norm_eps":1e-6}
        """;
}
