namespace Forge.GpuChecks;

/// <summary>The model shapes the decoding checks create with random weights.</summary>
internal static class CheckModels
{
    /// <summary>Qwen2.5-0.5B's layer shape (bias, GQA 7:1, its 151,936-token vocabulary), four layers.</summary>
    public const string Qwen2 = """
        {"model_type":"qwen2","architectures":["Qwen2ForCausalLM"],"hidden_size":896,"intermediate_size":4864,
         "num_hidden_layers":4,"num_attention_heads":14,"num_key_value_heads":2,"vocab_size":151936,
         "tie_word_embeddings":true,"rope_theta":1000000.0,"max_position_embeddings":4096,"rms_norm_eps":1e-6}
        """;
}
