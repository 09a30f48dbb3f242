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
        // Twice a second is enough for a person and wakes the render thread a fifth as often as Spectre's default.
        progress.RefreshRate = TimeSpan.FromMilliseconds(500);
        return progress
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn())
            .Start(context => body(new LiveProgress(context)));
    }

    /// <summary>
    /// libtorch's OpenMP workers spin at their barriers, so any thread that takes a core from them stalls them all:
    /// the display's render thread made a tiny SFT 5–25 times slower on 2 cores. Unless OMP_NUM_THREADS says otherwise,
    /// tensor work keeps one core fewer than the machine has while the display runs.
    /// </summary>
    public static void LeaveACoreForTheDisplay()
    {
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null && Environment.ProcessorCount > 1)
            TorchSharp.torch.set_num_threads(Math.Min(TorchSharp.torch.get_num_threads(), Environment.ProcessorCount - 1));
    }

    /// <summary>Runs <paramref name="body"/> with plain progress lines on <paramref name="output"/>.</summary>
    public static T Plain<T>(TextWriter output, Func<IRunProgress, T> body) => body(new PlainProgress(output));
}
