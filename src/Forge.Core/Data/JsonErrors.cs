namespace Forge.Core.Data;

/// <summary>Turns a parser's exception into the short, one-line reason that goes after a file name in an error.</summary>
public static class JsonErrors
{
    /// <summary>The message without System.Text.Json's "LineNumber: … BytePositionInLine: …" tail.</summary>
    public static string Describe(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex.Message.Split(" LineNumber")[0].ReplaceLineEndings(" ").TrimEnd('.', ' ');
    }
}
