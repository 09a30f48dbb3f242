using Forge.Contracts.Data;
using Forge.Core.Checkpoints;

namespace Forge.Core.Stages;

/// <summary>
/// Hands out train-split prompts pass after pass (epochs), each pass a new seeded run of the source shuffled through a
/// buffer of <c>shuffleBuffer</c> rows, as a streaming dataset loader shuffles: a generated task that draws distinct
/// problems until its space runs out yields its largest class last, so source order would drift within every pass
/// (with 0 or 1 the source order is kept). Its position (pass, prompts handed out in it) goes into step checkpoints;
/// a resumed cycle replays the pass up to it.
/// </summary>
internal sealed class PromptCycle(IPromptSource source, int seed, int shuffleBuffer, DataPosition? start = null) : IDisposable
{
    private IEnumerator<PromptRow>? _rows;
    private int _epoch = start?.Epoch ?? 0;
    private int _taken;
    private int _skip = start?.Offset ?? 0;

    /// <summary>Where the next prompt comes from.</summary>
    public DataPosition Position => new(_epoch, _taken + _skip);

    public List<PromptRow> Next(int count)
    {
        var taken = new List<PromptRow>(count);
        int emptyPasses = 0;
        while (taken.Count < count)
        {
            _rows ??= ShuffleBuffer.Shuffle(source.Rows("train", seed + _epoch), new Random(unchecked(seed * 1_000_003 + _epoch * 7_919 + 17)), shuffleBuffer).GetEnumerator();
            if (_rows.MoveNext())
            {
                emptyPasses = 0;
                _taken++;
                if (_skip > 0)
                {
                    _skip--;
                    continue;
                }
                taken.Add(_rows.Current);
                continue;
            }
            _rows.Dispose();
            _rows = null;
            if (_skip > 0) throw new ForgeDataException($"the prompt source has fewer train rows than the checkpoint had taken (pass {_epoch}, {_taken + _skip} prompts)");
            _epoch++;
            _taken = 0;
            if (++emptyPasses > 1) throw new ForgeDataException("the prompt source has no train rows");
        }
        return taken;
    }

    public void Dispose() => _rows?.Dispose();
}
