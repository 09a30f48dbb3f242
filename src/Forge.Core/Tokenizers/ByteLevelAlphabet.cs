using System.Text;

namespace Forge.Core.Tokenizers;

/// <summary>
/// GPT-2's byte-to-character table: byte-level BPE vocabularies spell every byte as a visible character (printable
/// Latin-1 bytes as themselves, the rest shifted to U+0100 and up, so a space is 'Ġ').
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b);

    private static char[] Build()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = (char)(printable ? b : next++);
        }
        return table;
    }

    /// <summary>The vocabulary spelling of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static string Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, (span, b) =>
        {
            for (int i = 0; i < b.Length; i++) span[i] = ByteToChar[b[i]];
        });
    }

    /// <summary>
    /// Appends the bytes a token stands for. A token with a character outside the table (an added token such as
    /// "&lt;｜end▁of▁sentence｜&gt;") contributes its own UTF-8 bytes, as Hugging Face's ByteLevel decoder does.
    /// </summary>
    public static void AppendBytes(string token, List<byte> bytes)
    {
        int start = bytes.Count;
        foreach (char c in token)
        {
            if (!CharToByte.TryGetValue(c, out byte b))
            {
                bytes.RemoveRange(start, bytes.Count - start);
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
                return;
            }
            bytes.Add(b);
        }
    }
}
