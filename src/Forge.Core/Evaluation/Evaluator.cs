using Forge.Contracts.Data;
using Forge.Contracts.Models;
using Forge.Contracts.Rewards;
using Forge.Contracts.Sampling;

namespace Forge.Core.Evaluation;

/// <summary>
/// Samples k completions per held-out prompt and reports pass@1 (mean correctness over the k, averaged over prompts,
/// as the DeepSeek-R1 paper) and cons@k (whether the majority answer among the k is correct; answers the correctness
/// reward deems equivalent are one vote, see <see cref="MajorityVote"/>).
/// </summary>
public sealed class Evaluator(ISampler sampler, IRewardModel correctness, double threshold = 0.5)
{
    /// <summary>Prompts per sampling call; bounds memory for long evaluations.</summary>
    public int PromptsPerBatch { get; init; } = 32;

    /// <summary>Prompts whose first completion is kept in the result as a sample to read.</summary>
    public int SamplesKept { get; init; } = 6;

    /// <summary>
    /// The ranks of a data-parallel run, which share the batches of prompts (batch b on rank b mod N, sampled with the
    /// seed one process would use) and sum their counts: every rank gets the result one process would.
    /// </summary>
    public Distributed.ICommunicator Ranks { get; init; } = Distributed.SingleProcessCommunicator.Instance;

    /// <summary>The task evaluated, naming a prompt that does not fit the model.</summary>
    public string Task { get; init; } = "eval";

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="rows"/>; prompts are formatted by <paramref name="formatPrompt"/>.</summary>
    public EvalResult Run(ILanguageModel model, ITokenizer tokenizer, IReadOnlyList<PromptRow> rows, Func<string, string> formatPrompt,
        int k, GenerationSettings settings, long seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return new EvalResult(0, 0, k, 0, 0);
        double passSum = 0, consSum = 0, lengthSum = 0;
        var samples = new List<EvalSample>();
        var vote = new MajorityVote(correctness);
        for (int start = 0, batch = 0; start < rows.Count; start += PromptsPerBatch, batch++)
        {
            if (batch % Ranks.WorldSize != Ranks.Rank) continue;
            var chunk = rows.Skip(start).Take(PromptsPerBatch).ToList();
            var prompts = chunk.Select(r => Prompts.PromptFit.Check(tokenizer.Encode(formatPrompt(r.Prompt)), model, $"{Task}: prompt '{r.Id}'")).ToList();
            var completions = sampler.Sample(new SamplingRequest(model, tokenizer, prompts, k, settings, seed + start), cancellationToken);
            var inputs = completions.Select(c => new RewardInput(chunk[c.PromptIndex], c.Text, c.TokenIds.Count, c.Truncated)).ToList();
            var scores = correctness.Score(inputs, cancellationToken);
            for (int p = 0; p < chunk.Count; p++)
            {
                var group = Enumerable.Range(p * k, k).ToList();
                var correct = group.Select(i => scores[i] is double s && s >= threshold).ToList();
                passSum += correct.Count(c => c) / (double)k;
                if (samples.Count < SamplesKept) samples.Add(new EvalSample(formatPrompt(chunk[p].Prompt), completions[p * k].Text, correct[0]));
                if (vote.Winner(group.Select(i => completions[i].Text).ToList()) is int winner && correct[winner]) consSum++;
                lengthSum += group.Average(i => completions[i].TokenIds.Count);
            }
        }
        var sums = Distributed.CommunicatorExtensions.AllReduceValues(Ranks, [passSum, consSum, lengthSum]);
        // The samples kept come from the first batch, which is rank 0's.
        return new EvalResult(sums[0] / rows.Count, sums[1] / rows.Count, k, rows.Count, sums[2] / rows.Count) { Samples = samples };
    }
}
