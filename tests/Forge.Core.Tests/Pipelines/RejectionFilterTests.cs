using Forge.Core.Rejection;
using Forge.Core.Rewards;

namespace Forge.Core.Tests.Pipelines;

public class RejectionFilterTests
{
    private static RewardScores Scores(double? accuracy, double? format) =>
        new(new Dictionary<string, double?> { ["accuracy"] = accuracy, ["format"] = format }, (accuracy ?? 0) + (format ?? 0));

    private static RejectionFilter Filter(int cap = 10) => new()
    {
        Thresholds = new Dictionary<string, double> { ["accuracy"] = 1.0, ["format"] = 0.5 },
        MaxPerPrompt = cap,
    };

    [Fact]
    public void Keeps_only_samples_that_reach_every_threshold()
    {
        var filter = Filter();
        filter.Judge("p", "a", false, Scores(1, 1)).Should().Be(RejectionReason.None);
        filter.Judge("p", "b", false, Scores(0.99, 1)).Should().Be(RejectionReason.BelowThreshold);
        filter.Judge("p", "c", false, Scores(1, 0.4)).Should().Be(RejectionReason.BelowThreshold);
        filter.Judge("p", "d", false, Scores(null, 1)).Should().Be(RejectionReason.BelowThreshold, "a reward without a score is not a pass");
        filter.Judge("p", "e", false, Scores(1, 0.5)).Should().Be(RejectionReason.None);
    }

    [Fact]
    public void Drops_truncated_samples_unless_asked_to_keep_them()
    {
        Filter().Judge("p", "a", true, Scores(1, 1)).Should().Be(RejectionReason.Truncated);
        new RejectionFilter { KeepTruncated = true }.Judge("p", "a", true, Scores(1, 1)).Should().Be(RejectionReason.None);
    }

    [Fact]
    public void Deduplicates_per_prompt_ignoring_whitespace()
    {
        var filter = Filter();
        filter.Judge("p", "<think>2 plus 2</think>", false, Scores(1, 1)).Should().Be(RejectionReason.None);
        filter.Judge("p", "  <think>2  plus\n2</think> ", false, Scores(1, 1)).Should().Be(RejectionReason.Duplicate);
        filter.Judge("q", "<think>2 plus 2</think>", false, Scores(1, 1)).Should().Be(RejectionReason.None, "another prompt may have the same text");
        new RejectionFilter { Deduplicate = false }.Judge("p", "x", false, Scores(1, 1)).Should().Be(RejectionReason.None);
    }

    [Fact]
    public void Caps_the_samples_kept_per_prompt()
    {
        var filter = Filter(cap: 2);
        new[] { "a", "b", "c" }.Select(t => filter.Judge("p", t, false, Scores(1, 1)))
            .Should().Equal(RejectionReason.None, RejectionReason.None, RejectionReason.OverCap);
        filter.Judge("p", "d", false, Scores(0, 1)).Should().Be(RejectionReason.BelowThreshold, "failures are counted as failures, not as over the cap");
    }
}
