namespace Forge.Contracts.Data;

/// <summary>
/// Shuffles a stream of rows through a buffer of a bounded size, as streaming dataset loaders do: fills the buffer,
/// then hands out a random buffered row for every row read, and drains the buffer shuffled at the end. Memory holds at
/// most <c>size</c> rows; a size of 0 or 1 keeps the stream's order. Since contracts 1.3.
/// </summary>
public static class ShuffleBuffer
{
    /// <summary><paramref name="rows"/> in an order drawn from <paramref name="random"/> through a buffer of <paramref name="size"/> rows.</summary>
    public static IEnumerable<T> Shuffle<T>(IEnumerable<T> rows, Random random, int size)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(random);
        return size <= 1 ? rows : Buffered(rows, random, size);
    }

    private static IEnumerable<T> Buffered<T>(IEnumerable<T> rows, Random random, int size)
    {
        var buffer = new List<T>(Math.Min(size, 4096));
        foreach (var row in rows)
        {
            if (buffer.Count < size)
            {
                buffer.Add(row);
                continue;
            }
            int pick = random.Next(buffer.Count);
            yield return buffer[pick];
            buffer[pick] = row;
        }
        while (buffer.Count > 0)
        {
            int pick = random.Next(buffer.Count);
            yield return buffer[pick];
            buffer[pick] = buffer[^1];
            buffer.RemoveAt(buffer.Count - 1);
        }
    }
}
