using Forge.Contracts.Sampling;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling.Tests;

public class LogitsProcessorTests
{
    public static TheoryData<GenerationSettings> Settings => new()
    {
        new GenerationSettings { Greedy = true },
        new GenerationSettings(),
        new GenerationSettings { Temperature = 0.5, TopK = 2, TopP = 0.9, MinP = 0.1, RepetitionPenalty = 1.3 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Each_steps_tensors_die_with_the_steps_scope(GenerationSettings settings)
    {
        // A decoding step runs in its own dispose scope inside generation's scope; whatever the processor returns must
        // not be moved out to generation's scope, or every step's [rows, vocab] logits stay alive until the end.
        using var generation = NewDisposeScope();
        Tensor raw, processed;
        using (NewDisposeScope())
        {
            raw = tensor(new float[] { 1, 2, 3, 4 }).unsqueeze(0);
            using var seen = tensor(new[] { false, true, false, false }).unsqueeze(0);
            processed = LogitsProcessor.Process(raw, settings.RepetitionPenalty != 1.0 ? seen : null, settings);
        }
        raw.IsInvalid.Should().BeTrue();
        processed.IsInvalid.Should().BeTrue();
    }

    [Fact]
    public void Filters_apply_in_hugging_face_order()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 4, 3, 2, 1, 0 }).unsqueeze(0);
        var seen = tensor(new[] { true, false, false, false, false }).unsqueeze(0);
        // Penalty 2 halves the top logit (4 → 2), so 3 leads; top-k 3 keeps 3, 2, 2 and drops 1, 0.
        var processed = LogitsProcessor.Process(logits, seen, new GenerationSettings { RepetitionPenalty = 2, TopK = 3 });
        processed[0].data<float>().ToArray().Should().Equal(2, 3, 2, float.NegativeInfinity, float.NegativeInfinity);
        // Temperature 0.5 doubles; min-p 0.5 keeps tokens at least half as likely as the top one.
        var minP = LogitsProcessor.Process(tensor(new float[] { 0, -0.2f, -1 }).unsqueeze(0), null, new GenerationSettings { Temperature = 0.5, MinP = 0.5 });
        minP[0].data<float>().ToArray().Should().Equal(0, -0.4f, float.NegativeInfinity);
    }
}
