using Forge.Contracts.Sampling;

namespace Forge.Host.Tests.Support;

/// <summary>
/// A sampler that takes <c>step</c> per token, as a large model does, and honours cancellation between tokens like
/// the KV-cache sampler: a generation of max_tokens tokens takes max_tokens × step unless it is cancelled.
/// </summary>
internal sealed class SlowSampler(TimeSpan step) : ISampler
{
    private int _started;
    private int _cancelled;
    private int _finished;

    public int Started => Volatile.Read(ref _started);

    public int Cancelled => Volatile.Read(ref _cancelled);

    public int Finished => Volatile.Read(ref _finished);

    public IReadOnlyList<Completion> Sample(SamplingRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _started);
        var tokens = new List<int>();
        try
        {
            while (tokens.Count < request.Settings.MaxNewTokens)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (cancellationToken.WaitHandle.WaitOne(step)) continue;
                tokens.Add(100);
            }
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelled);
            throw;
        }
        Interlocked.Increment(ref _finished);
        return Enumerable.Range(0, request.CompletionsPerPrompt)
            .Select(_ => new Completion(0, tokens, tokens.Select(_ => 0f).ToList(), new string('x', tokens.Count), Truncated: true)).ToList();
    }
}
