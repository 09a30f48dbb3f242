using Forge.Contracts.Devices;
using Forge.Contracts.Models;
using Forge.Contracts.Plugins;
using Forge.Contracts.Sampling;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling;

/// <summary>
/// Batched generation with a key/value cache: prompts of different lengths are left-padded into one batch, every
/// step feeds one token per row, and rows that finish are dropped from the batch (and the cache) so they stop costing
/// compute — at once on the CPU, by buckets on CUDA, where shapes stay fixed (<see cref="DecodeShapes"/>) and each
/// bucket's decoding step is captured once as a CUDA graph and replayed (<see cref="DecodeGraphs"/>), given the
/// host's <see cref="IDeviceGraphs"/>; the next tokens are picked by the host's fused <see cref="ITokenPicker"/> where it
/// runs and the settings have no filter or penalty. Seeded: the same request and seed give the same completions, replayed or not.
/// Log-probs are under the model's raw distribution for greedy decoding and under the sampling distribution
/// (after penalty, temperature and filtering) otherwise.
/// </summary>
public sealed class KvCacheSampler(SamplerOptions options, IDeviceGraphs? graphs = null, ILogger<KvCacheSampler>? logger = null, ITokenPicker? picker = null)
    : ISampler, IDisposable
{
    private readonly List<DecodeGraphs> _states = [];
    private readonly HashSet<string> _said = [];

    /// <summary>Why the last generation decoded eagerly; null when its steps were replayed from CUDA graphs.</summary>
    public string? GraphsOff { get; private set; }

    /// <summary>CUDA graphs held (for every batch bucket and sampling configuration met so far).</summary>
    public int CapturedGraphs => _states.Sum(s => s.Count);

    /// <inheritdoc />
    public IReadOnlyList<Completion> Sample(SamplingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CompletionsPerPrompt < 1) throw new ArgumentException("CompletionsPerPrompt must be at least 1");
        if (!request.Settings.Greedy && !(request.Settings.Temperature > 0)) throw new ArgumentException("Temperature must be positive");
        var rows = request.Prompts.SelectMany((prompt, index) => Enumerable.Repeat((Index: index, Ids: prompt), request.CompletionsPerPrompt)).ToList();
        var results = new List<Completion>(rows.Count);
        var stops = new StopConditions(request.Tokenizer, request.Settings);
        bool wasTraining = request.Model.Module.training;
        request.Model.Module.eval();
        try
        {
            for (int start = 0, chunk = 0; start < rows.Count; start += options.MaxBatchRows, chunk++)
            {
                var batch = rows.Skip(start).Take(options.MaxBatchRows).ToList();
                results.AddRange(Generate(request, batch, stops, Shapes(request.Model), request.Seed + chunk, cancellationToken));
            }
        }
        finally
        {
            request.Model.Module.train(wasTraining);
        }
        return results;
    }

    private DecodeShapes Shapes(ILanguageModel model) =>
        new(options.FixedShapes == FixedShapes.On || (options.FixedShapes == FixedShapes.Auto && model.Device.type == DeviceType.CUDA));

    private List<Completion> Generate(SamplingRequest request, List<(int Index, IReadOnlyList<int> Ids)> batch,
        StopConditions stops, DecodeShapes shapes, long seed, CancellationToken cancellationToken)
    {
        var model = request.Model;
        var settings = request.Settings;
        int rows = batch.Count, longest = batch.Max(b => b.Ids.Count);
        if (longest == 0) throw new ArgumentException("a prompt has no tokens");
        int positions = model.MaxPositions;
        if (longest >= positions)
            throw new PluginInputException($"a prompt of {longest} tokens leaves no room to generate: the model has {positions} positions (max_position_embeddings)");
        int width = shapes.Width(longest);
        // With fixed shapes the batch starts at its bucket: filler rows (copies of the first prompt) are finished from
        // the start and their output is ignored, so a batch only ever has bucket sizes.
        int size = shapes.Fixed ? DecodeShapes.Bucket(rows) : rows;
        var prompts = Enumerable.Range(0, size).Select(r => batch[r < rows ? r : 0].Ids).ToList();
        var tokens = new List<int>[rows];
        var logProbs = new List<float>[rows];
        var finished = new bool[size];
        var truncated = new bool[rows];
        for (int r = 0; r < rows; r++) { tokens[r] = []; logProbs[r] = []; }
        for (int r = rows; r < size; r++) finished[r] = true;

        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        var device = model.Device;
        var ids = new long[size * width];
        var mask = new long[size * width];
        Array.Fill(ids, request.Tokenizer.PadTokenId);
        for (int r = 0; r < size; r++)
            for (int i = 0; i < prompts[r].Count; i++)
            {
                ids[r * width + width - prompts[r].Count + i] = prompts[r][i];
                mask[r * width + width - prompts[r].Count + i] = 1;
            }
        bool padded = prompts.Any(p => p.Count != width);
        // TorchSharp's Generator lives on the CPU; on CUDA the device's default generator is seeded instead.
        Generator? generator = device.type == DeviceType.CPU ? new Generator((ulong)seed, device) : null;
        if (generator is null) cuda.manual_seed(seed);
        int capacity = shapes.Capacity(width, settings.MaxNewTokens);

        var graphed = Graphs(model, shapes, size, capacity);
        using var eager = graphed is null ? new DecodeBatch(model, size, capacity, picker) : null;
        var state = graphed?.Batch ?? eager!;
        using var stream = graphed is not null ? graphs!.UseSideStream(device) : null;

        var inputIds = tensor(ids, [size, width]).to(device);
        state.Start(size, inputIds, settings.RepetitionPenalty != 1.0);
        var hidden = model.Hidden(inputIds, padded ? tensor(mask, [size, width]).to(device) : null, state.Cache);
        if (!settings.Greedy) state.Draw(generator);
        state.Pick(model.Logits(hidden.narrow(1, width - 1, 1)).squeeze(1), settings);
        var alive = Enumerable.Range(0, size).ToList(); // batch row of each cache row; rows from `rows` on are fillers
        var unfinished = new List<long>(size); // this step's rows (cache indices) still generating / finished
        var done = new List<long>(size);

        for (int step = 0; step < settings.MaxNewTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            // One device-to-host copy per step: ids (exact in float32 below 2^24), log-probs and finiteness together.
            float[] host = state.Read();
            int count = alive.Count;
            for (int i = 0; i < count; i++)
                if (!finished[alive[i]] && host[3 * i + 2] == 0)
                    throw new PluginInputException($"the model's logits are NaN or infinite at generated token {step + 1}: its weights cannot run in {model.DType} "
                        + "(a float16 overflow? try float32) or are damaged");

            unfinished.Clear();
            done.Clear();
            for (int i = 0; i < count; i++)
            {
                int r = alive[i];
                if (finished[r]) { done.Add(i); continue; }
                tokens[r].Add((int)host[3 * i]);
                logProbs[r].Add(host[3 * i + 1]);
                if (stops.IsStop(tokens[r])) { finished[r] = true; done.Add(i); }
                else if (tokens[r].Count >= settings.MaxNewTokens || batch[r].Ids.Count + tokens[r].Count >= positions) { truncated[r] = finished[r] = true; done.Add(i); }
                else unfinished.Add(i);
            }
            if (unfinished.Count == 0) break;
            int next = shapes.BatchFor(unfinished.Count, count);
            if (next < count)
            {
                // The unfinished rows and, up to the bucket, finished ones as filler (their output is ignored), in batch order.
                var keep = unfinished.Concat(done.Take(next - unfinished.Count)).Order().ToList();
                state.Select(tensor(keep.ToArray()).to(device));
                alive = keep.Select(i => alive[(int)i]).ToList();
            }
            if (!settings.Greedy) state.Draw(generator);
            if (graphed is not null) graphed.Step(settings);
            else state.Step(settings);
        }
        if (graphed?.Failure is { } failure)
        {
            GraphsOff = failure;
            Say($"CUDA graphs off for this model: {failure}; decoding runs eagerly");
        }

        return Enumerable.Range(0, rows).Select(r => new Completion(batch[r].Index, tokens[r], logProbs[r],
            stops.Cut(request.Tokenizer.Decode(tokens[r], skipSpecialTokens: true)), truncated[r] || !finished[r])).ToList();
    }

    /// <summary>The captured steps for this generation, or null (with <see cref="GraphsOff"/> saying why) to decode eagerly.</summary>
    private DecodeGraphs? Graphs(ILanguageModel model, DecodeShapes shapes, int rows, int capacity)
    {
        GraphsOff = WhyEager(model, shapes);
        if (GraphsOff is not null) return null;
        var state = _states.FirstOrDefault(s => s.Fits(model, rows, capacity));
        if (state is not null && state.Failure is not null)
        {
            GraphsOff = state.Failure;
            return null;
        }
        if (state is null)
        {
            // One set of graphs per model and cache shape, the three most recently used kept (a policy meeting two
            // cache capacities, a teacher); those of a model whose parameters moved can never be replayed again.
            foreach (var stale in _states.Where(s => ReferenceEquals(s.Batch.Model, model) && !s.WeightsUnchanged()).ToList()) Drop(stale);
            while (_states.Count >= 3) Drop(_states[0]);
            var probe = model.CreateCache(1, 1);
            bool capturable = probe is ICapturableCache { FixedLength: true };
            probe.Dispose();
            if (!capturable)
            {
                GraphsOff = "the model's KV cache cannot be captured (not a fixed-length ICapturableCache)";
                Say(GraphsOff);
                return null;
            }
            state = new DecodeGraphs(graphs!, model, rows, capacity, picker);
        }
        _states.Remove(state);
        _states.Add(state);
        return state;
    }

    private string? WhyEager(ILanguageModel model, DecodeShapes shapes)
    {
        if (options.CudaGraphs == CudaGraphMode.Off) return "CudaGraphs: Off";
        bool cuda = model.Device.type == DeviceType.CUDA;
        string? why = graphs is null ? "this host provides no CUDA-graph support (Forge.Cuda)"
            : !shapes.Fixed ? "CUDA graphs need fixed shapes (FixedShapes: Off)"
            : graphs.Unavailable(model.Device);
        // Auto on the CPU is the documented default, not worth a line; anything else that keeps graphs off is.
        if (why is not null && (cuda || options.CudaGraphs == CudaGraphMode.On)) Say($"CUDA graphs off: {why}; decoding runs eagerly");
        return why;
    }

    private void Drop(DecodeGraphs state)
    {
        _states.Remove(state);
        state.Dispose();
    }

    /// <summary>Logs <paramref name="line"/> (standard error without a logger) once per sampler.</summary>
    private void Say(string line)
    {
        if (!_said.Add(line)) return;
        if (logger is not null) logger.LogWarning("{Line}", line);
        else Console.Error.WriteLine($"kv-cache sampler: {line}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var state in _states) state.Dispose();
        _states.Clear();
    }
}
