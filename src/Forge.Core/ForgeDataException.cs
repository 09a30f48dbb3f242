namespace Forge.Core;

/// <summary>
/// Bad input from a user: a file, a configuration key, a dataset line or a plugin. The message is one line that names
/// the file, key or line; the CLI prints it without a stack trace. Line breaks quoted from the input (a JSON parser
/// echoing the text it choked on) are folded into spaces so the message stays one line.
/// </summary>
public sealed class ForgeDataException : Exception
{
    /// <summary>A one-line error; <paramref name="innerException"/> keeps the details for --verbose.</summary>
    public ForgeDataException(string message, Exception? innerException = null)
        : base(message.ReplaceLineEndings(" "), innerException)
    {
    }
}
