using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Sampling;

namespace Forge.Core.Stages;

/// <summary>A stage's <c>Generation</c> section: validated sampling settings, handed to samplers as <see cref="GenerationSettings"/>.</summary>
public sealed class GenerationOptions
{
    /// <summary>Upper bound on generated tokens per completion.</summary>
    [Description("Most tokens generated per completion")]
    [Range(1, 1 << 20)]
    public int MaxNewTokens { get; set; } = 256;

    /// <summary>Argmax decoding.</summary>
    [Description("Argmax decoding (the other sampling settings are ignored)")]
    public bool Greedy { get; set; }

    /// <summary>Softmax temperature.</summary>
    [Description("Softmax temperature (> 0)")]
    [Range(1e-3, 100.0)]
    public double Temperature { get; set; } = 1.0;

    /// <summary>Top-k; 0 disables.</summary>
    [Description("Keep the k most likely tokens; 0 disables")]
    [Range(0, int.MaxValue)]
    public int TopK { get; set; }

    /// <summary>Nucleus mass.</summary>
    [Description("Nucleus sampling mass in (0, 1]; 1 disables")]
    [Range(1e-6, 1.0)]
    public double TopP { get; set; } = 1.0;

    /// <summary>Min-p.</summary>
    [Description("Drop tokens below MinP × the top probability; 0 disables")]
    [Range(0.0, 1.0)]
    public double MinP { get; set; }

    /// <summary>Repetition penalty.</summary>
    [Description("CTRL-style repetition penalty (> 1 discourages repeats); 1 disables")]
    [Range(1e-3, 100.0)]
    public double RepetitionPenalty { get; set; } = 1.0;

    /// <summary>Extra stop token ids.</summary>
    [Description("Token ids that end a completion, besides the tokenizer's")]
    public List<int> StopTokenIds { get; set; } = [];

    /// <summary>Stop strings.</summary>
    [Description("Strings that end a completion (the text is cut after them)")]
    public List<string> StopStrings { get; set; } = [];

    /// <summary>The settings a sampler takes.</summary>
    public GenerationSettings ToSettings() => new()
    {
        MaxNewTokens = MaxNewTokens,
        Greedy = Greedy,
        Temperature = Temperature,
        TopK = TopK,
        TopP = TopP,
        MinP = MinP,
        RepetitionPenalty = RepetitionPenalty,
        StopTokenIds = StopTokenIds.ToList(),
        StopStrings = StopStrings.ToList(),
    };
}
