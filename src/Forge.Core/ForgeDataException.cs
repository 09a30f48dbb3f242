namespace Forge.Core;

/// <summary>
/// Bad input from a user: a file, a configuration key, a dataset line or a plugin. The message is one line that names
/// the file, key or line; the CLI prints it without a stack trace.
/// </summary>
public sealed class ForgeDataException(string message, Exception? innerException = null) : Exception(message, innerException);
