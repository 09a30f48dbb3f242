namespace Forge.Contracts.Training;

/// <summary>Rows [<see cref="Start"/>, <see cref="Start"/> + <see cref="Length"/>) of a batch: one micro-batch.</summary>
/// <param name="Start">The first row.</param>
/// <param name="Length">The number of rows (at least 1).</param>
public readonly record struct RowRange(long Start, long Length);
