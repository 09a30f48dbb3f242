using Microsoft.Extensions.Logging;

namespace Forge.Core.Pipelines;

/// <summary>
/// One owner for each progress event — a stage starting, its steps, its end: the progress display when one is attached
/// (the log then carries the event at Debug, for --verbose), else the log at Information. A console that shows both
/// the display and the log so shows each event once.
/// </summary>
public static class ProgressLogLevel
{
    /// <summary>The level at which to log an event that <paramref name="progress"/> also shows.</summary>
    public static LogLevel Of(IRunProgress progress) => progress is NoRunProgress ? LogLevel.Information : LogLevel.Debug;
}
