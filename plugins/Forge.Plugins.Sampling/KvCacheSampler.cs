using Forge.Contracts.Models;
using Forge.Contracts.Plugins;
using Forge.Contracts.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling;

/// <summary>
/// Batched generation with a key/value cache: prompts of different lengths are left-padded into one batch, every
/// step feeds one token per row, and rows that finish are dropped from the batch (and the cache) so they stop costing
/// compute — at once on the CPU, by buckets on CUDA, where shapes stay fixed (<see cref="DecodeShapes"/>). Seeded: the
/// same request and seed give the same completions.
/// Log-probs are under the model's raw distribution for greedy decoding and under the sampling distribution
/// (after penalty, temperature and filtering) otherwise.
/// </summary>
public sealed class KvCacheSampler(SamplerOptions options) : ISampler
{
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

    private static List<Completion> Generate(SamplingRequest request, List<(int Index, IReadOnlyList<int> Ids)> batch,
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
        var tokens = new List<int>[rows];
        var logProbs = new List<float>[rows];
        var finished = new bool[rows];
        var truncated = new bool[rows];
        for (int r = 0; r < rows; r++) { tokens[r] = []; logProbs[r] = []; }

        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        var device = model.Device;
        var ids = new long[rows * width];
        var mask = new long[rows * width];
        Array.Fill(ids, request.Tokenizer.PadTokenId);
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < batch[r].Ids.Count; i++)
            {
                ids[r * width + width - batch[r].Ids.Count + i] = batch[r].Ids[i];
                mask[r * width + width - batch[r].Ids.Count + i] = 1;
            }
        bool padded = batch.Any(b => b.Ids.Count != width);
        // TorchSharp's Generator lives on the CPU; on CUDA the device's default generator is seeded instead.
        Generator? generator = device.type == DeviceType.CPU ? new Generator((ulong)seed, device) : null;
        if (generator is null) cuda.manual_seed(seed);
        using var cache = model.CreateCache(rows, shapes.Capacity(width, settings.MaxNewTokens));
        var inputIds = tensor(ids, [rows, width]).to(device);
        var hidden = model.Hidden(inputIds, padded ? tensor(mask, [rows, width]).to(device) : null, cache);
        var logits = model.Logits(hidden.narrow(1, width - 1, 1)).squeeze(1);
        Tensor? seen = settings.RepetitionPenalty != 1.0
            ? zeros([rows, model.VocabSize], ScalarType.Bool, device).scatter(1, inputIds, ones_like(inputIds, ScalarType.Bool))
            : null;
        var alive = Enumerable.Range(0, rows).ToList(); // batch row of each cache row; with fixed shapes finished rows may stay

        for (int step = 0; step < settings.MaxNewTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var raw = logits.to(float32);
            var finite = raw.isfinite().all(-1);
            var processed = LogitsProcessor.Process(raw, seen, settings);
            var next = settings.Greedy ? processed.argmax(-1) : Sample(processed, finite, generator);
            var chosen = (settings.Greedy ? raw : processed).log_softmax(-1).gather(-1, next.unsqueeze(-1)).squeeze(-1);
            // One device-to-host copy per step: ids (exact in float32 below 2^24), log-probs and finiteness together.
            float[] host = stack([next.to(float32), chosen, finite.to(float32)]).cpu().data<float>().ToArray();
            int count = alive.Count;
            for (int i = 0; i < count; i++)
                if (!finished[alive[i]] && host[2 * count + i] == 0)
                    throw new PluginInputException($"the model's logits are NaN or infinite at generated token {step + 1}: its weights cannot run in {model.DType} "
                        + "(a float16 overflow? try float32) or are damaged");

            var unfinished = new List<long>();
            var done = new List<long>();
            for (int i = 0; i < count; i++)
            {
                int r = alive[i];
                if (finished[r]) { done.Add(i); continue; }
                tokens[r].Add((int)host[i]);
                logProbs[r].Add(host[count + i]);
                if (stops.IsStop(tokens[r])) { finished[r] = true; done.Add(i); }
                else if (tokens[r].Count >= settings.MaxNewTokens || batch[r].Ids.Count + tokens[r].Count >= positions) { truncated[r] = finished[r] = true; done.Add(i); }
                else unfinished.Add(i);
            }
            if (unfinished.Count == 0) break;
            var nextInput = next.unsqueeze(1);
            int size = shapes.BatchFor(unfinished.Count, count);
            if (size < count)
            {
                // The unfinished rows and, up to the bucket, finished ones as filler (their output is ignored), in batch order.
                var keep = unfinished.Concat(done.Take(size - unfinished.Count)).Order().ToList();
                var keepIndex = tensor(keep.ToArray()).to(device);
                cache.Select(keepIndex);
                nextInput = nextInput.index_select(0, keepIndex);
                if (seen is not null) seen = Replace(seen, seen.index_select(0, keepIndex));
                alive = keep.Select(i => alive[(int)i]).ToList();
            }
            if (seen is not null) seen.scatter_(1, nextInput, ones_like(nextInput, ScalarType.Bool));
            var stepHidden = model.Hidden(nextInput, null, cache);
            logits = Replace(logits, model.Logits(stepHidden).squeeze(1));
        }

        return Enumerable.Range(0, rows).Select(r => new Completion(batch[r].Index, tokens[r], logProbs[r],
            stops.Cut(request.Tokenizer.Decode(tokens[r], skipSpecialTokens: true)), truncated[r] || !finished[r])).ToList();
    }

    /// <summary>
    /// Draws from the softmax of <paramref name="processed"/>. A row whose logits are not all finite draws from a
    /// uniform stand-in — multinomial would fail natively on it, or assert on a GPU — and is refused after the step.
    /// </summary>
    private static Tensor Sample(Tensor processed, Tensor finite, Generator? generator)
    {
        var probabilities = processed.softmax(-1);
        probabilities = where(finite.unsqueeze(-1), probabilities, ones_like(probabilities));
        return probabilities.multinomial(1, generator: generator).squeeze(-1);
    }

    /// <summary>Keeps a tensor alive past the step's dispose scope, freeing the one it replaces.</summary>
    private static Tensor Replace(Tensor old, Tensor replacement)
    {
        var kept = replacement.MoveToOuterDisposeScope();
        old.Dispose();
        return kept;
    }
}
