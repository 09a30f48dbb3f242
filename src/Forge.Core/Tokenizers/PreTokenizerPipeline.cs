using System.Text.Json;
using System.Text.RegularExpressions;

namespace Forge.Core.Tokenizers;

/// <summary>
/// The pre_tokenizer of a byte-level BPE tokenizer.json: <c>Split</c> steps (each applied to the pieces of the one
/// before, as a Hugging Face <c>Sequence</c> does) and a <c>ByteLevel</c> step, which may add a prefix space and split
/// with GPT-2's pattern. The byte-to-character mapping itself happens in the BPE model.
/// </summary>
internal sealed class PreTokenizerPipeline
{
    // The pattern a ByteLevel pre-tokenizer splits with when use_regex is on.
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly List<Action<string, List<string>>> _steps = [];

    private PreTokenizerPipeline() { }

    public List<string> Split(string text)
    {
        var pieces = new List<string> { text };
        foreach (var step in _steps)
        {
            var next = new List<string>(pieces.Count * 2);
            foreach (string piece in pieces) step(piece, next);
            pieces = next;
        }
        return pieces;
    }

    /// <summary>Reads the pre_tokenizer section; byte-level BPE needs a ByteLevel step somewhere in it.</summary>
    public static PreTokenizerPipeline Read(JsonElement root, string file)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var section) || section.ValueKind != JsonValueKind.Object)
            throw new ForgeDataException($"{file}: missing \"pre_tokenizer\" (byte-level BPE needs a ByteLevel pre-tokenizer)");
        var steps = TokenizerJson.Type(section, file) == "Sequence" ? section.GetProperty("pretokenizers").EnumerateArray().ToList() : [section];
        var pipeline = new PreTokenizerPipeline();
        bool byteLevel = false;
        foreach (var step in steps)
        {
            string type = TokenizerJson.Type(step, file);
            switch (type)
            {
                case "Split":
                    var split = new SplitStep(Pattern(step, file), Behavior(step, file), TokenizerJson.Flag(step, "invert"));
                    pipeline._steps.Add(split.Apply);
                    break;
                case "ByteLevel":
                    byteLevel = true;
                    bool prefixSpace = TokenizerJson.Flag(step, "add_prefix_space");
                    // use_regex defaults to true in Hugging Face when the key is absent.
                    var gpt2 = !step.TryGetProperty("use_regex", out var useRegex) || useRegex.ValueKind != JsonValueKind.False
                        ? new SplitStep(PreTokenizerRegex.Compile(Gpt2Pattern, file), SplitBehavior.Isolated, false) : null;
                    pipeline._steps.Add((piece, pieces) =>
                    {
                        if (prefixSpace && !piece.StartsWith(' ')) piece = " " + piece;
                        if (gpt2 is null) pieces.Add(piece);
                        else gpt2.Apply(piece, pieces);
                    });
                    break;
                default:
                    throw new ForgeDataException($"{file}: pre-tokenizer \"{type}\" is not supported (Split, ByteLevel)");
            }
        }
        if (!byteLevel) throw new ForgeDataException($"{file}: only byte-level BPE tokenizers are supported (no ByteLevel pre-tokenizer)");
        return pipeline;
    }

    private static PreTokenizerRegex Pattern(JsonElement step, string file)
    {
        if (!step.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.Object)
            throw new ForgeDataException($"{file}: Split pre-tokenizer lacks a \"pattern\"");
        if (pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String)
            return PreTokenizerRegex.Compile(OnigPattern.ToDotNet(regex.GetString()!), file);
        if (pattern.TryGetProperty("String", out var literal) && literal.ValueKind == JsonValueKind.String)
            return PreTokenizerRegex.Compile(Regex.Escape(literal.GetString()!), file);
        throw new ForgeDataException($"{file}: Split pattern must be {{\"Regex\": ...}} or {{\"String\": ...}}");
    }

    private static SplitBehavior Behavior(JsonElement step, string file)
    {
        string? name = step.TryGetProperty("behavior", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
        return Enum.TryParse<SplitBehavior>(name, out var behavior) && Enum.IsDefined(behavior) ? behavior
            : throw new ForgeDataException($"{file}: Split behavior \"{name}\" is not one of {string.Join(", ", Enum.GetNames<SplitBehavior>())}");
    }
}
