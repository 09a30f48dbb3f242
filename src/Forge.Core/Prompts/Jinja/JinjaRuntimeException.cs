namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// A failure while rendering (a type error, an undefined value used, <c>raise_exception</c>); the template turns it into
/// one <see cref="ForgeDataException"/> line naming the template and the position of the expression that failed.
/// </summary>
public sealed class JinjaRuntimeException(string message) : Exception(message);
