using Forge.Contracts.Sampling;
using Forge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling.Tests;

/// <summary>
/// The sampler's CUDA-graph path (<see cref="DecodeGraphs"/>) on the CPU, through <see cref="ReplayingGraphs"/>: the
/// persistent buffers, bucket keys, warm-up/capture/replay order and the eager fallback must give what eager fixed-shape
/// decoding gives. (On CUDA tests/gpu's graphs_match_eager compares real graphs with eager decoding.)
/// </summary>
public class CudaGraphDecodingTests
{
    private static DecoderModel Load(string arch)
    {
        var model = SamplerFixtures.Load(arch);
        model.FixedShapeDecoding = true;
        return model;
    }

    private static KvCacheSampler Sampler(ReplayingGraphs? graphs, CudaGraphMode mode = CudaGraphMode.On) =>
        new(new SamplerOptions { FixedShapes = FixedShapes.On, CudaGraphs = mode }, graphs);

    private static List<IReadOnlyList<int>> Prompts(int rows) =>
        Enumerable.Range(0, rows).Select(i => (IReadOnlyList<int>)SamplerFixtures.Ints(i % 2 == 0 ? "llama" : "qwen2", "prompt_ids")[i % 3].Skip(i % 5).ToArray()).ToList();

    private static Completion[] Run(KvCacheSampler sampler, DecoderModel model, List<IReadOnlyList<int>> prompts, GenerationSettings settings, int[] stops) =>
        sampler.Sample(new SamplingRequest(model, new IdTokenizer(model.VocabSize, stops), prompts, 1, settings, 9)).ToArray();

    [Fact]
    public void Replayed_steps_decode_as_eager_steps_across_batches_rows_ending_settings_and_models()
    {
        using var llama = Load("llama");
        using var qwen = Load("qwen2");
        var graphs = new ReplayingGraphs();
        using var graphed = Sampler(graphs);
        using var eager = Sampler(null, CudaGraphMode.Off);
        var greedy = new GenerationSettings { Greedy = true, MaxNewTokens = 14 };
        var sampled = new GenerationSettings { Temperature = 0.9, TopK = 20, TopP = 0.95, MinP = 0.01, RepetitionPenalty = 1.2, MaxNewTokens = 14 };
        var reference = SamplerFixtures.Ints("llama", "greedy_ids");
        int[] stops = [reference[0][2], reference[1][5], reference[2][9]];
        var lengths = new HashSet<int>();
        foreach (var (model, rows, settings, stop) in new (DecoderModel, int, GenerationSettings, int[])[]
        {
            (llama, 1, greedy, []), (llama, 3, greedy, stops), (llama, 11, greedy, stops), (llama, 3, greedy, stops),
            (qwen, 3, greedy, []), (llama, 11, sampled, stops), (llama, 3, greedy with { RepetitionPenalty = 1.3 }, stops),
        })
        {
            var prompts = Prompts(rows);
            var a = Run(graphed, model, prompts, settings, stop);
            var b = Run(eager, model, prompts, settings, stop);
            graphed.GraphsOff.Should().BeNull();
            for (int i = 0; i < rows; i++)
            {
                a[i].TokenIds.Should().Equal(b[i].TokenIds, $"row {i} of {rows}");
                a[i].LogProbs.Should().Equal(b[i].LogProbs, (x, y) => Math.Abs(x - y) < 1e-5f);
                lengths.Add(a[i].TokenIds.Count);
            }
        }
        lengths.Count.Should().BeGreaterThan(2, "rows end at different steps");
        graphs.Captures.Should().BeGreaterThan(3, "each bucket and sampling configuration gets its own graph");
        graphs.Replays.Should().BeGreaterThan(graphs.Captures);
        graphs.OpenStreams.Should().Be(0, "every generation leaves the side stream");
    }

    [Fact]
    public void A_bucket_runs_eagerly_once_then_is_captured_once_and_replayed_from_then_on()
    {
        using var model = Load("llama");
        var graphs = new ReplayingGraphs();
        using var sampler = Sampler(graphs);
        var settings = new GenerationSettings { Greedy = true, MaxNewTokens = 10 };
        var prompts = Prompts(1);

        Run(sampler, model, prompts, settings, []);
        // 10 tokens: the first from the prompt's forward pass, 9 decoding steps: 1 eager (warm-up), 1 captured, 8 replayed.
        graphs.Captures.Should().Be(1);
        graphs.Replays.Should().Be(8);
        Run(sampler, model, prompts, settings, []);
        graphs.Captures.Should().Be(1, "the next generation reuses the graph and its buffers");
        graphs.Replays.Should().Be(17);
        graphs.StreamScopes.Should().Be(2);
    }

    [Fact]
    public void A_step_that_cannot_be_captured_decodes_eagerly_and_says_why()
    {
        using var model = Load("qwen2");
        using var sampler = Sampler(new ReplayingGraphs(failure: "operation not permitted when stream is capturing"));
        using var eager = Sampler(null, CudaGraphMode.Off);
        var settings = new GenerationSettings { Greedy = true, MaxNewTokens = 8 };
        var prompts = Prompts(3);

        var a = Run(sampler, model, prompts, settings, []);
        sampler.GraphsOff.Should().Contain("operation not permitted when stream is capturing");
        var b = Run(eager, model, prompts, settings, []);
        for (int i = 0; i < a.Length; i++) a[i].TokenIds.Should().Equal(b[i].TokenIds);
    }

    [Fact]
    public void Graphs_stay_off_without_fixed_shapes_or_when_switched_off()
    {
        using var model = Load("qwen2");
        var graphs = new ReplayingGraphs();
        using var dynamic = new KvCacheSampler(new SamplerOptions { FixedShapes = FixedShapes.Off, CudaGraphs = CudaGraphMode.On }, graphs);
        using var off = Sampler(graphs, CudaGraphMode.Off);
        var settings = new GenerationSettings { Greedy = true, MaxNewTokens = 4 };
        Run(dynamic, model, Prompts(2), settings, []);
        dynamic.GraphsOff.Should().Contain("fixed shapes");
        Run(off, model, Prompts(2), settings, []);
        off.GraphsOff.Should().Be("CudaGraphs: Off");
        graphs.StreamScopes.Should().Be(0);
    }
}
