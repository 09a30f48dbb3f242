using Forge.Core.Checkpoints;
using Forge.Core.Metrics;

namespace Forge.Core.Tests.Checkpoints;

/// <summary>
/// Step checkpoint folders: written whole or not at all, found through the latest marker or without it, pruned to the
/// newest few only once a new one is complete; and the metrics file cut back for a resume.
/// </summary>
public sealed class TrainingCheckpointTests : IDisposable
{
    private readonly string _run = Path.Combine(Path.GetTempPath(), "forge-steps-" + Guid.NewGuid().ToString("N"));

    public TrainingCheckpointTests() => Directory.CreateDirectory(_run);

    public void Dispose() => Directory.Delete(_run, recursive: true);

    private string Stage => Path.Combine(_run, "checkpoints", "rl");

    private static StageProgress Progress(int step) => new("rl", step, 7, new DataPosition(1, step * 4), step * 100L, 1e-3);

    private string Write(int step, int keep = 2, Action<string>? contents = null) =>
        TrainingCheckpoint.Write(Stage, Progress(step), contents ?? (folder => File.WriteAllText(Path.Combine(folder, "model.safetensors"), $"weights {step}")), keep).Directory;

    private IEnumerable<string> Folders() => Directory.EnumerateDirectories(Stage).Select(Path.GetFileName).Order()!;

    [Fact]
    public void Keeps_the_newest_and_points_latest_at_the_last_complete_one()
    {
        foreach (int step in new[] { 3, 6, 9 }) Write(step);

        Folders().Should().Equal("step-6", "step-9");
        File.ReadAllText(Path.Combine(Stage, "latest")).Trim().Should().Be("step-9");
        var latest = TrainingCheckpoint.Latest(Stage)!.Value;
        latest.Directory.Should().Be(Path.Combine(Stage, "step-9"));
        latest.Progress.Should().Be(Progress(9));
        File.ReadAllText(Path.Combine(latest.Directory, "model.safetensors")).Should().Be("weights 9");
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_the_previous_checkpoints_whole_and_latest()
    {
        Write(1);
        Write(2);
        var act = () => Write(3, contents: folder =>
        {
            File.WriteAllText(Path.Combine(folder, "model.safetensors"), "half");
            throw new IOException("disk full");
        });
        act.Should().Throw<IOException>();

        Folders().Should().Equal("step-1", "step-2", "step-3.tmp");
        TrainingCheckpoint.Latest(Stage)!.Value.Progress.Step.Should().Be(2);

        Write(4);
        Folders().Should().Equal(["step-2", "step-4"], "the half-written folder is cleared by the next write");
    }

    [Theory]
    [InlineData("step-9")]
    [InlineData("../../somewhere")]
    [InlineData(null)]
    public void A_marker_naming_no_complete_folder_falls_back_to_the_newest_one(string? marker)
    {
        Write(1);
        Write(2);
        string path = Path.Combine(Stage, "latest");
        if (marker is null) File.Delete(path);
        else File.WriteAllText(path, marker);

        TrainingCheckpoint.Latest(Stage)!.Value.Directory.Should().Be(Path.Combine(Stage, "step-2"));
    }

    [Fact]
    public void No_folder_means_no_checkpoint_and_damaged_progress_is_one_line_naming_the_file()
    {
        TrainingCheckpoint.Latest(Stage).Should().BeNull();
        string folder = Write(5);
        string progress = Path.Combine(folder, TrainingCheckpoint.ProgressFile);
        File.WriteAllText(progress, "{\"stage\": \"rl\", \"step\":");

        var act = () => TrainingCheckpoint.Latest(Stage);
        act.Should().Throw<ForgeDataException>().Which.Message.Should().StartWith(progress + ": invalid JSON").And.NotContain("\n");
        File.WriteAllText(progress, Progress(4).ToJson());
        act.Should().Throw<ForgeDataException>().WithMessage("*says step 4, but the folder is step-5");
    }

    [Fact]
    public void Metrics_are_cut_back_to_a_checkpoint_or_to_the_finished_stages()
    {
        string metrics = Path.Combine(_run, "metrics.jsonl");
        string sft = "{\"stage\":\"sft\",\"step\":0}\n{\"stage\":\"sft\",\"step\":1}\n";
        File.WriteAllText(metrics, sft + "{\"stage\":\"rl\",\"step\":0}\n{\"stage\":\"rl\",\"st");

        MetricsRewind.AfterStages(_run, new HashSet<string> { "sft" });
        File.ReadAllText(metrics).Should().Be(sft);

        File.AppendAllText(metrics, "{\"stage\":\"sft\",\"ste");
        MetricsRewind.AfterStages(_run, new HashSet<string> { "sft" });
        File.ReadAllText(metrics).Should().Be(sft, "a line torn by a crash is cut too");

        MetricsRewind.ToLength(_run, 25);
        File.ReadAllText(metrics).Should().Be(sft[..25]);
        var act = () => MetricsRewind.ToLength(_run, 1000);
        act.Should().Throw<ForgeDataException>().WithMessage($"{metrics}: has 25 bytes but the step checkpoint was written after 1000*");
    }
}
