using Forge.Contracts.Devices;
using Forge.Contracts.Models;
using Forge.Contracts.Sampling;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling;

/// <summary>
/// The device side of one generation batch: the KV cache and the buffers a decoding step reads and writes in place —
/// each row's last token (<see cref="Ids"/>), pre-drawn uniform numbers (one per row and token, when sampling), the
/// tokens seen so far (repetition penalty) and the step's output ([rows, 3]: token id, log-prob, finiteness). A step
/// (<see cref="Step"/>) touches nothing else, so it can be captured once and replayed (<see cref="DecodeGraphs"/>).
/// The buffers hold <see cref="RowCapacity"/> rows; a batch uses the first <see cref="Rows"/> of them.
/// </summary>
internal sealed class DecodeBatch : IDisposable
{
    private readonly Tensor _ids, _out;
    private Tensor? _seen, _uniforms;
    private readonly ITokenPicker? _picker;

    public DecodeBatch(ILanguageModel model, int rows, int capacity, ITokenPicker? picker = null)
    {
        _picker = picker?.Unavailable(model.Device) is null ? picker : null;
        Model = model;
        RowCapacity = rows;
        Capacity = capacity;
        var device = model.Device;
        Cache = model.CreateCache(rows, capacity);
        _ids = zeros([rows, 1], ScalarType.Int64, device).DetachFromDisposeScope();
        _out = zeros([rows, 3], ScalarType.Float32, device).DetachFromDisposeScope();
        Rows = rows;
    }

    public ILanguageModel Model { get; }

    public IKeyValueCache Cache { get; }

    public int RowCapacity { get; }

    public int Capacity { get; }

    public int Rows { get; private set; }

    /// <summary>[rows, 1] each row's last token: the next step's input.</summary>
    public Tensor Ids => _ids.narrow(0, 0, Rows);

    private Tensor Uniforms => _uniforms!.narrow(0, 0, Rows);

    private Tensor Out => _out.narrow(0, 0, Rows);

    private Tensor? Seen => _seen?.narrow(0, 0, Rows);

    /// <summary>
    /// Starts a generation of <paramref name="rows"/> rows whose prompts are <paramref name="inputIds"/>: the cache
    /// forgets earlier generations (in place) and, with a repetition penalty, the prompt tokens count as seen.
    /// </summary>
    public void Start(int rows, Tensor inputIds, bool penalty)
    {
        if (rows > RowCapacity) throw new ArgumentOutOfRangeException(nameof(rows), $"{rows} rows in a batch of {RowCapacity}");
        if (Cache is ICapturableCache capturable) capturable.Reset(rows);
        else if (rows != RowCapacity) throw new InvalidOperationException("a batch over a cache that cannot reset starts with all its rows");
        Rows = rows;
        if (!penalty) return;
        _seen ??= zeros([RowCapacity, Model.VocabSize], ScalarType.Bool, Model.Device).DetachFromDisposeScope();
        Seen!.zero_().scatter_(1, inputIds, ones_like(inputIds, ScalarType.Bool));
    }

    /// <summary>Keeps only <paramref name="rowIndices"/> (ascending), moved to the front of the same buffers.</summary>
    public void Select(Tensor rowIndices)
    {
        using var scope = NewDisposeScope();
        int rows = (int)rowIndices.size(0);
        Cache.Select(rowIndices);
        var ids = Ids.index_select(0, rowIndices);
        var seen = Seen?.index_select(0, rowIndices);
        Rows = rows;
        Ids.copy_(ids);
        if (seen is not null) Seen!.copy_(seen);
    }

    /// <summary>
    /// Draws the next step's uniform numbers ([rows, vocab]) outside any captured step, from the seeded generator, so
    /// that a seed gives the same tokens whether the step is replayed or not.
    /// </summary>
    public void Draw(Generator? generator)
    {
        _uniforms ??= zeros([RowCapacity, Model.VocabSize], ScalarType.Float32, Model.Device).DetachFromDisposeScope();
        Uniforms.uniform_(0, 1, generator);
    }

    /// <summary>One decoding step: the model reads <see cref="Ids"/>, the next tokens are picked and written back.</summary>
    public void Step(GenerationSettings settings)
    {
        using var scope = NewDisposeScope();
        var hidden = Model.Hidden(Ids, null, Cache);
        Pick(Model.Logits(hidden).squeeze(1), settings);
    }

    /// <summary>
    /// Picks each row's next token from <paramref name="logits"/> [rows, vocab] — argmax, or a draw from the sampling
    /// distribution by an exponential race over the pre-drawn uniforms (the token with the largest p / E, E = −log(1 − u)
    /// exponentially distributed, is a draw from p: no sort or scan, so it holds in deterministic mode too) — and
    /// writes it to <see cref="Ids"/>, the
    /// output and the seen tokens. Log-probs are under the raw distribution for greedy decoding and under the
    /// sampling distribution otherwise. A row whose logits are not all finite is refused by the caller.
    /// </summary>
    public void Pick(Tensor logits, GenerationSettings settings)
    {
        if (_picker is not null && Plain(settings))
        {
            // One fused kernel: the same pick, read from the logits and uniforms once instead of ~15 passes.
            _picker.Pick(logits, settings.Greedy ? null : Uniforms, settings.Greedy ? 1.0 : settings.Temperature, Ids, Out);
            return;
        }
        using var scope = NewDisposeScope();
        var raw = logits.to(ScalarType.Float32);
        var finite = raw.isfinite().all(-1);
        var processed = LogitsProcessor.Process(raw, Seen, settings);
        Tensor next;
        if (settings.Greedy) next = processed.argmax(-1);
        else
        {
            // A row whose logits are not finite picks some index in range and is refused by the caller.
            next = processed.softmax(-1).div_(RaceTimes(Uniforms)).argmax(-1);
        }
        var chosen = (settings.Greedy ? raw : processed).log_softmax(-1).gather(-1, next.unsqueeze(-1)).squeeze(-1);
        Ids.copy_(next.unsqueeze(1));
        Out.copy_(stack([next.to(ScalarType.Float32), chosen, finite.to(ScalarType.Float32)], 1));
        Seen?.scatter_(1, Ids, ones_like(Ids, ScalarType.Bool));
    }

    /// <summary>
    /// The race's exponential times E = −log(1 − u) for uniforms in [0, 1), floored at 2⁻²⁴ (what the smallest non-zero
    /// float32 uniform gives). A uniform of exactly 0 — one in 2²⁴, so in about one row in a hundred over a 151,936-token
    /// vocabulary — would otherwise give E = 0 (or, clamped at 1e-30, a score that beats every real token) and pick its
    /// token whatever its probability. The fused picker floors E the same way.
    /// </summary>
    internal static Tensor RaceTimes(Tensor uniforms) => (1 - uniforms).log_().neg_().clamp_min_(SmallestTime);

    /// <summary>2⁻²⁴: the floor of <see cref="RaceTimes"/>.</summary>
    internal const double SmallestTime = 5.9604644775390625e-08;

    /// <summary>Settings the fused picker covers: temperature only (no top-k/top-p/min-p filter, no repetition penalty).</summary>
    private bool Plain(GenerationSettings settings) =>
        Seen is null && settings.RepetitionPenalty == 1.0
        && (settings.Greedy || ((settings.TopK <= 0 || settings.TopK >= Model.VocabSize) && settings.TopP >= 1.0 && settings.MinP <= 0));

    /// <summary>The last step's output, [rows, 3] row-major: token id (exact below 2^24), log-prob, 1 if finite.</summary>
    public float[] Read() => Out.cpu().data<float>().ToArray();

    public void Dispose()
    {
        Cache.Dispose();
        _ids.Dispose();
        _uniforms?.Dispose();
        _out.Dispose();
        _seen?.Dispose();
    }
}
