using System.Text.Json;
using Forge.Host.Progress;
using Forge.Host.Tests.Support;
using Spectre.Console.Testing;

namespace Forge.Host.Tests;

/// <summary>`forge run` shows progress: live in a terminal (Spectre.Console), plain lines when output is not one.</summary>
public class ProgressTests
{
    [Fact]
    public void Output_that_is_not_a_terminal_gets_plain_progress_lines_on_stderr()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("forge.json", JsonSerializer.Serialize(LearningTests.Config(LearningTests.Traces(dir, 60, 1), "grpo", 5)));

        var result = ForgeProcess.Run("run", "--config", config, "--pipeline", "learn", "--output", dir.Combine("run"));

        result.ExitCode.Should().Be(0, result.Error);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().Contain("[1/2] sft (sft) started").And.Contain("[2/2] rl (rl) started");
        lines.Should().ContainMatch("[1/2] sft  step 100/100  100%  elapsed *  eta 0s  loss *");
        lines.Where(l => l.StartsWith("[2/2] rl  step ", StringComparison.Ordinal)).Should().HaveCount(5, "one line per tenth passed, 5 steps")
            .And.AllSatisfy(l => l.Should().MatchRegex(@"step \d/5  \d+%  elapsed \d+s  eta \d+s  reward [\d.]+  accuracy [\d.]+$"));
        lines.Should().ContainMatch("[2/2] rl done in * s");
    }

    [Fact]
    public void The_live_display_shows_stage_step_and_reward()
    {
        var console = new TestConsole().Interactive().EmitAnsiSequences();
        console.Profile.Width = 160;

        int answer = ProgressDisplay.Live(console, progress =>
        {
            progress.StageStarted("reasoning-rl", "rl", 2, 5);
            progress.StageSteps("reasoning-rl", 40);
            progress.StepRecorded("reasoning-rl", 9, new Dictionary<string, double> { ["reward/mean"] = 0.281, ["reward/accuracy/mean"] = 0.25, ["loss"] = 1 });
            return 42;
        });

        answer.Should().Be(42);
        console.Output.Should().Contain("[2/5] reasoning-rl (rl) step 10/40  reward 0.281  accuracy 0.25").And.Contain("25%");
    }

    [Fact]
    public void Only_an_interactive_console_gets_the_live_display()
    {
        ProgressDisplay.IsLive(new StringWriter(), new TestConsole().Interactive()).Should().BeFalse("a captured writer is not a terminal");
        ProgressDisplay.IsLive(Console.Out, new TestConsole()).Should().BeFalse("a console without interaction cannot redraw");
    }
}
