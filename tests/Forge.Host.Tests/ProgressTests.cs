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
            .And.AllSatisfy(l => l.Should().MatchRegex(@"step \d/5  \d+%  elapsed \d+s  eta (\d+s|…)  reward [\d.]+  accuracy [\d.]+$"));
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
        console.Output.Should().Contain("[2/5] reasoning-rl (rl) step 10/40  eta …  reward 0.281  accuracy 0.25").And.Contain("25%");
    }

    [Fact]
    public void Progress_shows_the_mean_of_every_reward_a_record_carries_by_its_name()
    {
        var record = new Dictionary<string, double>
        {
            ["loss"] = 1, ["reward/mean"] = 0.5, ["reward/std"] = 0.1, ["reward/my-reward/mean"] = 0.25, ["reward/format/mean"] = 0.75,
        };

        ProgressText.Metrics(record).Should().Be("reward 0.5  my-reward 0.25  format 0.75");
    }

    [Fact]
    public void Redirected_stderr_shows_each_progress_event_once_and_verbose_adds_the_log_of_them()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("tiny.json", JsonSerializer.Serialize(new
        {
            Pipelines = new Dictionary<string, object>
            {
                ["tiny"] = new
                {
                    Stages = new object[]
                    {
                        new
                        {
                            Name = "first", Kind = "sft", Data = LearningTests.Traces(dir, 8, 1), MaxSteps = 2, BatchSize = 8,
                            NewModel = new { hidden_size = 16, intermediate_size = 32, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64 },
                        },
                        new { Name = "second", Kind = "sft", Data = LearningTests.Traces(dir, 8, 1), Model = "checkpoints/first", MaxSteps = 2, BatchSize = 8 },
                    },
                },
            },
        }));
        string[] Lines(params string[] extra)
        {
            var result = ForgeChild.Run(["run", "--config", config, "--pipeline", "tiny", "--output", dir.Combine("run-" + extra.Length), .. extra]);
            result.ExitCode.Should().Be(0, result.Error);
            return result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        var plain = Lines();
        foreach (string stage in new[] { "first", "second" })
        {
            plain.Where(l => l.Contains(stage, StringComparison.Ordinal) && (l.Contains("started", StringComparison.Ordinal) || l.Contains("starting", StringComparison.Ordinal))).Should().ContainSingle(stage);
            // The first step: "first step 0/2 loss …" in the log, "[1/2] first  step 1/2  50% …" in the display.
            plain.Where(l => l.Contains($"{stage} step 0/2", StringComparison.Ordinal) || l.Contains($"{stage}  step 1/2", StringComparison.Ordinal))
                .Should().ContainSingle(stage);
            plain.Where(l => l.Contains(stage, StringComparison.Ordinal) && l.Contains(" done in ")).Should().ContainSingle(stage);
        }

        var verbose = Lines("--verbose");
        verbose.Should().Contain(l => l.EndsWith("stage second (sft) starting", StringComparison.Ordinal), "--verbose logs the events too")
            .And.Contain("[2/2] second (sft) started");
    }

    [Fact]
    public void Only_an_interactive_console_gets_the_live_display()
    {
        ProgressDisplay.IsLive(new StringWriter(), new TestConsole().Interactive()).Should().BeFalse("a captured writer is not a terminal");
        ProgressDisplay.IsLive(Console.Out, new TestConsole()).Should().BeFalse("a console without interaction cannot redraw");
    }

    [Fact]
    public void The_remaining_time_follows_the_pace_of_the_last_steps_not_a_slow_start()
    {
        var rate = new StepRate();
        rate.Remaining(100).Should().BeNull("one step says nothing of the pace");
        rate.Add(TimeSpan.FromSeconds(60), 1); // the first step carried loading and warm-up
        for (int done = 2; done <= 10; done++) rate.Add(TimeSpan.FromSeconds(60 + done - 1), done);

        rate.Remaining(100).Should().Be(TimeSpan.FromSeconds(90), "90 steps left at 1 s a step, not 90 × 6.9 s");
        for (int done = 11; done <= 40; done++) rate.Add(TimeSpan.FromSeconds(69 + 2 * (done - 10)), done);
        rate.Remaining(100).Should().Be(TimeSpan.FromSeconds(120), "the window follows a slower pace (2 s a step)");
        ProgressText.Eta(rate.Remaining(100)).Should().Be("eta 2m00s");
        ProgressText.Eta(null).Should().Be("eta …");
    }

    [Fact]
    public void Rejection_sampling_shows_how_many_samples_it_kept_of_those_sampled()
    {
        ProgressText.Metrics(new Dictionary<string, double> { ["kept"] = 825, ["sampled"] = 4096 }).Should().Be("kept 825 of 4096");
        ProgressText.Metrics(new Dictionary<string, double> { ["kept"] = 3 }).Should().Be("kept 3");
    }
}
