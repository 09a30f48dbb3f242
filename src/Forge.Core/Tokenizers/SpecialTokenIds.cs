namespace Forge.Core.Tokenizers;

/// <summary>
/// The stop, pad and bos ids of a Hugging Face tokenizer: tokenizer_config.json's eos, generation_config.json's eos ids
/// and the added tokens that end a completion in the families Forge meets; pad as configured, else
/// &lt;|endoftext|&gt;, else the first stop.
/// </summary>
internal sealed record SpecialTokenIds(IReadOnlyList<int> Stops, int Pad, int? Bos)
{
    // Added tokens that end a completion in the families Forge meets, besides the configured eos.
    private static readonly string[] KnownStops = ["<|endoftext|>", "<|im_end|>", "<|end_of_text|>", "<|eot_id|>", "<|eom_id|>", "</s>", "<｜end▁of▁sentence｜>"];

    public static SpecialTokenIds Resolve(TokenizerConfig config, IReadOnlyList<AddedToken> added, IReadOnlyDictionary<string, int> vocab, int vocabSize)
    {
        var addedIds = added.DistinctBy(a => a.Content).ToDictionary(a => a.Content, a => a.Id);
        int? Id(string? token) => token is null ? null : addedIds.TryGetValue(token, out int a) ? a : vocab.TryGetValue(token, out int v) ? v : null;

        var stops = new List<int>();
        if (Id(config.EosToken) is int eos) stops.Add(eos);
        stops.AddRange(config.GenerationEosIds.Where(id => id < vocabSize));
        stops.AddRange(KnownStops.Where(addedIds.ContainsKey).Select(s => addedIds[s]));
        stops = stops.Distinct().ToList();
        return new SpecialTokenIds(stops, Id(config.PadToken) ?? Id("<|endoftext|>") ?? (stops.Count > 0 ? stops[0] : 0), Id(config.BosToken));
    }
}
