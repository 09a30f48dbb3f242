using System.Text;
using Microsoft.ML.Tokenizers;

namespace Forge.Core.Tokenizers;

/// <summary>Unicode NFC, for tokenizer.json files that declare it (Qwen2's does).</summary>
internal sealed class NfcNormalizer : Normalizer
{
    public override string Normalize(string original) => original.Normalize(NormalizationForm.FormC);

    public override string Normalize(ReadOnlySpan<char> original) => original.ToString().Normalize(NormalizationForm.FormC);
}
