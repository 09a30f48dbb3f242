namespace Forge.Contracts.Plugins;

/// <summary>
/// Thrown by a plugin when the user's input is bad (a dataset line, a file, a setting). The host prints the message
/// as one line without a stack trace, so name the file, line or key in it.
/// </summary>
public sealed class PluginInputException(string message, Exception? innerException = null) : Exception(message, innerException);
