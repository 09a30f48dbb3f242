namespace Forge.Contracts.Sampling;

/// <summary>How to pick tokens. The defaults sample at temperature 1 with no truncation.</summary>
public sealed record GenerationSettings
{
    /// <summary>Upper bound on generated tokens per completion.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Argmax decoding; the other sampling settings are ignored.</summary>
    public bool Greedy { get; init; }

    /// <summary>Softmax temperature (> 0).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Keep the k most likely tokens; 0 disables.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling mass in (0, 1]; 1 disables.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Drop tokens whose probability is below min_p times the top probability; 0 disables.</summary>
    public double MinP { get; init; }

    /// <summary>CTRL-style penalty (> 1 discourages tokens already in the sequence); 1 disables.</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Token ids that end a completion, in addition to the tokenizer's.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Strings that end a completion; the text is cut after the stop string.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];
}
