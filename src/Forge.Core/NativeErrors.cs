namespace Forge.Core;

/// <summary>libtorch's errors as one line: the first line says what failed; the C++ stack frames after it are for --verbose.</summary>
public static class NativeErrors
{
    /// <summary>The first line of <paramref name="message"/>, trimmed.</summary>
    public static string FirstLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
    }
}
