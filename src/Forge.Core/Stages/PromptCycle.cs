using Forge.Contracts.Data;

namespace Forge.Core.Stages;

/// <summary>Hands out train-split prompts in order, starting a new seeded pass (epoch) when the source runs out.</summary>
internal sealed class PromptCycle(IPromptSource source, int seed) : IDisposable
{
    private IEnumerator<PromptRow>? _rows;
    private int _epoch;

    public List<PromptRow> Next(int count)
    {
        var taken = new List<PromptRow>(count);
        int emptyPasses = 0;
        while (taken.Count < count)
        {
            _rows ??= source.Rows("train", seed + _epoch).GetEnumerator();
            if (_rows.MoveNext())
            {
                taken.Add(_rows.Current);
                emptyPasses = 0;
                continue;
            }
            _rows.Dispose();
            _rows = null;
            _epoch++;
            if (++emptyPasses > 1) throw new ForgeDataException("the prompt source has no train rows");
        }
        return taken;
    }

    public void Dispose() => _rows?.Dispose();
}
