using Forge.Core.Pipelines;
using Spectre.Console;

namespace Forge.Host.Progress;

/// <summary>Chooses the display: live when the output is an interactive terminal, plain lines otherwise.</summary>
internal static class ProgressDisplay
{
    /// <summary>Whether <paramref name="output"/> is a terminal a live display can redraw.</summary>
    public static bool IsLive(TextWriter output, IAnsiConsole console) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && console.Profile.Capabilities.Interactive
        && console.Profile.Capabilities.Ansi;

    /// <summary>Runs <paramref name="body"/> under the live display on <paramref name="console"/>.</summary>
    public static T Live<T>(IAnsiConsole console, Func<IRunProgress, T> body)
    {
        var progress = console.Progress();
        // libtorch's OpenMP workers spin at their barriers: a render thread waking every 100 ms (Spectre's default)
        // preempts them and slowed a tiny model's SFT 25-fold here; twice a second is enough for a person.
        progress.RefreshRate = TimeSpan.FromMilliseconds(500);
        return progress
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => body(new LiveProgress(context)));
    }

    /// <summary>Runs <paramref name="body"/> with plain progress lines on <paramref name="output"/>.</summary>
    public static T Plain<T>(TextWriter output, Func<IRunProgress, T> body) => body(new PlainProgress(output));
}
