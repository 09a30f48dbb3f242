using Forge.Contracts.Devices;
using Forge.Contracts.Models;
using Forge.Contracts.Sampling;

namespace Forge.Plugins.Sampling;

/// <summary>
/// Captured decoding steps of one model: a <see cref="DecodeBatch"/> kept from generation to generation (its buffers
/// are the graphs' static inputs and outputs) and one graph per batch-size bucket and sampling configuration, as
/// vLLM keeps one per batch size. The first step of a bucket runs eagerly (it warms the kernels up on the side
/// stream), the second is captured, every later one is replayed. When a capture fails the rest runs eagerly and
/// <see cref="Failure"/> says why.
/// </summary>
internal sealed class DecodeGraphs : IDisposable
{
    private readonly IDeviceGraphs _graphs;
    private readonly Dictionary<(int Rows, StepKey Settings), IDeviceGraph> _captured = [];
    private readonly HashSet<(int Rows, StepKey Settings)> _warm = [];
    private readonly IntPtr[] _weights;

    public DecodeGraphs(IDeviceGraphs graphs, ILanguageModel model, int rows, int capacity, ITokenPicker? picker = null)
    {
        _graphs = graphs;
        Batch = new DecodeBatch(model, rows, capacity, picker);
        _weights = Weights(model);
    }

    public DecodeBatch Batch { get; }

    /// <summary>Why steps run eagerly after a failed capture; null while capturing works.</summary>
    public string? Failure { get; private set; }

    /// <summary>Graphs captured so far.</summary>
    public int Count => _captured.Count;

    /// <summary>
    /// True when a generation of <paramref name="rows"/> rows and <paramref name="capacity"/> positions on
    /// <paramref name="model"/> can reuse these graphs: the same model with its parameters where they were when the
    /// graphs were captured (a model whose parameters were replaced gets new graphs, never stale pointers).
    /// </summary>
    public bool Fits(ILanguageModel model, int rows, int capacity) =>
        ReferenceEquals(model, Batch.Model) && capacity == Batch.Capacity && rows <= Batch.RowCapacity && WeightsUnchanged();

    /// <summary>True while the model's parameters are the tensors the graphs were captured with.</summary>
    public bool WeightsUnchanged() => Weights(Batch.Model).AsSpan().SequenceEqual(_weights);

    /// <summary>Runs one decoding step of the batch's current rows: replayed, captured, or eagerly.</summary>
    public void Step(GenerationSettings settings)
    {
        var key = (Batch.Rows, new StepKey(settings));
        if (_captured.TryGetValue(key, out var graph))
        {
            graph.Replay();
            return;
        }
        if (Failure is not null || _warm.Add(key))
        {
            Batch.Step(settings);
            return;
        }
        try
        {
            graph = _graphs.Capture(() => Batch.Step(settings));
        }
        catch (InvalidOperationException e)
        {
            Failure = e.Message.Split('\n')[0];
            Batch.Step(settings);
            return;
        }
        _captured[key] = graph;
        graph.Replay();
    }

    private static IntPtr[] Weights(ILanguageModel model) => model.Module.parameters().Select(p => p.Handle).ToArray();

    public void Dispose()
    {
        foreach (var graph in _captured.Values) graph.Dispose();
        _captured.Clear();
        Batch.Dispose();
    }

    /// <summary>What a captured step bakes in besides its buffers: the sampling configuration.</summary>
    private readonly record struct StepKey(bool Greedy, double Temperature, int TopK, double TopP, double MinP, double RepetitionPenalty)
    {
        public StepKey(GenerationSettings s)
            : this(s.Greedy, s.Greedy ? 1 : s.Temperature, s.Greedy ? 0 : s.TopK, s.Greedy ? 1 : s.TopP, s.Greedy ? 0 : s.MinP, s.RepetitionPenalty)
        {
        }
    }
}
