using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Core.Checkpoints;
using Forge.Core.Stages;

namespace Forge.Core.Tests.Stages;

/// <summary>RL prompts come pass after pass, shuffled within a pass, and a resumed cycle continues where it stopped.</summary>
public class PromptCycleTests
{
    /// <summary>Like a generated task whose small classes run out first: 60 short problems, then 140 long ones.</summary>
    private sealed class ShortThenLong : IPromptSource
    {
        public IEnumerable<PromptRow> Rows(string split, int seed) =>
            Enumerable.Range(0, 200).Select(i => new PromptRow($"{seed}-{i}", i < 60 ? $"short {i}" : $"long {i}", new Dictionary<string, JsonElement>()));
    }

    private static List<string> Take(PromptCycle cycle, int count) => cycle.Next(count).Select(r => r.Prompt).ToList();

    [Fact]
    public void A_pass_is_shuffled_so_its_last_prompts_are_not_one_class()
    {
        using var shuffled = new PromptCycle(new ShortThenLong(), seed: 1, shuffleBuffer: 10_000);
        using var inOrder = new PromptCycle(new ShortThenLong(), seed: 1, shuffleBuffer: 0);

        var pass = Take(shuffled, 200);

        pass.Should().BeEquivalentTo(Take(inOrder, 200), "a pass still holds every train prompt once");
        pass.Should().NotEqual(Enumerable.Range(0, 200).Select(i => i < 60 ? $"short {i}" : $"long {i}"));
        pass.Take(100).Count(p => p.StartsWith("short", StringComparison.Ordinal)).Should().BeInRange(15, 45, "about 30 of 60 short ones in each half");
    }

    [Fact]
    public void Source_order_is_kept_with_no_buffer_and_each_pass_reshuffles()
    {
        using var inOrder = new PromptCycle(new ShortThenLong(), seed: 1, shuffleBuffer: 0);
        Take(inOrder, 3).Should().Equal("short 0", "short 1", "short 2");

        using var shuffled = new PromptCycle(new ShortThenLong(), seed: 1, shuffleBuffer: 10_000);
        var first = Take(shuffled, 200);
        shuffled.Position.Should().Be(new DataPosition(0, 200));
        var second = Take(shuffled, 200);
        second.Should().NotEqual(first);
        shuffled.Position.Epoch.Should().Be(1);
    }

    [Fact]
    public void A_cycle_resumed_at_a_position_hands_out_what_the_uninterrupted_one_does()
    {
        using var whole = new PromptCycle(new ShortThenLong(), seed: 4, shuffleBuffer: 10_000);
        Take(whole, 250);
        var position = whole.Position;
        var next = Take(whole, 30);

        using var resumed = new PromptCycle(new ShortThenLong(), seed: 4, shuffleBuffer: 10_000, position);

        position.Should().Be(new DataPosition(1, 50));
        Take(resumed, 30).Should().Equal(next);
    }
}
