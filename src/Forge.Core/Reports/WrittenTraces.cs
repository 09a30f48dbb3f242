using Forge.Contracts.Rewards;

namespace Forge.Core.Reports;

/// <summary>A stage's <c>data/&lt;stage&gt;.jsonl</c> as the report shows it: how many rows, and the first few.</summary>
/// <param name="Count">Rows in the file.</param>
/// <param name="First">The first of them (at most <see cref="RunReport.TracesShown"/> are shown).</param>
public sealed record WrittenTraces(int Count, IReadOnlyList<RewardInput> First);
