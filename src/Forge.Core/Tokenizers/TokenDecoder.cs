using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Forge.Core.Tokenizers;

/// <summary>
/// The decoder section of a SentencePiece-style tokenizer.json, applied as Hugging Face does to the list of token
/// strings: <c>Replace</c> (literal), <c>ByteFallback</c> (a run of <c>&lt;0xNN&gt;</c> tokens becomes its UTF-8 text, or
/// one U+FFFD per byte when the run is not valid UTF-8), <c>Fuse</c>, <c>Strip</c> and <c>Metaspace</c>, in a
/// <c>Sequence</c> or alone; without a decoder the tokens are joined by spaces.
/// </summary>
internal sealed class TokenDecoder
{
    private readonly List<Func<List<string>, List<string>>> _steps;
    private readonly bool _joinWithSpaces;

    private TokenDecoder(List<Func<List<string>, List<string>>> steps, bool joinWithSpaces)
    {
        _steps = steps;
        _joinWithSpaces = joinWithSpaces;
    }

    public string Decode(List<string> tokens)
    {
        foreach (var step in _steps) tokens = step(tokens);
        return string.Join(_joinWithSpaces ? " " : "", tokens);
    }

    public static TokenDecoder Read(JsonElement root, string file)
    {
        if (!root.TryGetProperty("decoder", out var section) || section.ValueKind == JsonValueKind.Null) return new TokenDecoder([], joinWithSpaces: true);
        var steps = TokenizerJson.Type(section, file) == "Sequence" ? section.GetProperty("decoders").EnumerateArray().ToList() : [section];
        return new TokenDecoder(steps.Select(step => Step(step, file)).ToList(), joinWithSpaces: false);
    }

    private static Func<List<string>, List<string>> Step(JsonElement step, string file)
    {
        switch (TokenizerJson.Type(step, file))
        {
            case "Replace":
                if (!step.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.Object
                    || !pattern.TryGetProperty("String", out var literal) || literal.ValueKind != JsonValueKind.String || literal.GetString()!.Length == 0
                    || !step.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                    throw new ForgeDataException($"{file}: Replace decoder needs a {{\"String\": ...}} pattern and a \"content\" string");
                string from = literal.GetString()!, to = content.GetString()!;
                return tokens => tokens.Select(t => t.Replace(from, to, StringComparison.Ordinal)).ToList();
            case "ByteFallback":
                return ByteFallback;
            case "Fuse":
                return tokens => [string.Concat(tokens)];
            case "Strip":
                string strip = step.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String && c.GetString()!.Length == 1 ? c.GetString()!
                    : throw new ForgeDataException($"{file}: Strip decoder needs a one-character \"content\"");
                int start = Count(step, "start", file), stop = Count(step, "stop", file);
                return tokens => tokens.Select(t => Strip(t, strip[0], start, stop)).ToList();
            case "Metaspace":
                string replacement = MetaspaceSplitter.Replacement(step, file);
                bool stripFirst = MetaspaceSplitter.Scheme(step, file) != "never";
                // Replacement characters become spaces, except in the first token, which loses them all (for the one the
                // pre-tokenizer put in front; Hugging Face drops every one there, so "▁▁▁" alone decodes to "").
                return tokens => tokens.Select((t, i) => t.Replace(replacement, i == 0 && stripFirst ? "" : " ", StringComparison.Ordinal)).ToList();
            case var other:
                throw new ForgeDataException($"{file}: decoder \"{other}\" is not supported with SentencePiece-style BPE (Replace, ByteFallback, Fuse, Strip, Metaspace)");
        }
    }

    private static int Count(JsonElement step, string key, string file) =>
        !step.TryGetProperty(key, out var value) ? 0
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= 0 ? n
        : throw new ForgeDataException($"{file}: Strip decoder \"{key}\" must be a non-negative integer");

    private static string Strip(string token, char character, int start, int stop)
    {
        int from = 0, to = token.Length;
        while (from < to && from < start && token[from] == character) from++;
        while (to > from && token.Length - to < stop && token[to - 1] == character) to--;
        return token[from..to];
    }

    private static List<string> ByteFallback(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        void Flush()
        {
            if (bytes.Count == 0) return;
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
            output.Add(Utf8.IsValid(span) ? Encoding.UTF8.GetString(span) : new string('\uFFFD', bytes.Count));
            bytes.Clear();
        }
        foreach (string token in tokens)
        {
            if (IsByteToken(token, out byte b))
            {
                bytes.Add(b);
                continue;
            }
            Flush();
            output.Add(token);
        }
        Flush();
        return output;
    }

    /// <summary><c>&lt;0xNN&gt;</c> with two hex digits.</summary>
    private static bool IsByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out value);
    }
}
