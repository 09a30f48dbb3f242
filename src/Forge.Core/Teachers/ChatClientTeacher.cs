using Forge.Contracts.Data;
using Forge.Contracts.Sampling;
using Microsoft.Extensions.AI;

namespace Forge.Core.Teachers;

/// <summary>
/// A teacher behind an OpenAI-compatible chat endpoint (vLLM, SGLang, llama.cpp server, a hosted API, <c>forge serve</c>)
/// through <see cref="IChatClient"/>: each prompt is sent as a user turn (after an optional system turn) and the server
/// applies its own chat template. Requests run concurrently up to <paramref name="maxConcurrency"/>; each sample has
/// its own seed so that servers which honour seeds give reproducible traces.
/// </summary>
public sealed class ChatClientTeacher(IChatClient client, string description, string? systemPrompt, int maxConcurrency) : ITeacher
{
    /// <inheritdoc />
    public string Description => description;

    /// <inheritdoc />
    public IReadOnlyList<TeacherSample> Generate(IReadOnlyList<PromptRow> rows, int samplesPerPrompt, GenerationSettings settings, long seed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(settings);
        var samples = new TeacherSample[rows.Count * samplesPerPrompt];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxConcurrency), CancellationToken = cancellationToken };
        try
        {
            Parallel.ForEachAsync(Enumerable.Range(0, samples.Length), parallel, async (i, ct) =>
            {
                int row = i / samplesPerPrompt;
                var options = new ChatOptions
                {
                    Temperature = settings.Greedy ? 0f : (float)settings.Temperature,
                    TopP = settings.Greedy ? null : (float)settings.TopP,
                    MaxOutputTokens = settings.MaxNewTokens,
                    Seed = seed + i,
                    StopSequences = settings.StopStrings.Count > 0 ? [.. settings.StopStrings] : null,
                };
                var response = await client.GetResponseAsync(Messages(rows[row].Prompt), options, ct).ConfigureAwait(false);
                samples[i] = new TeacherSample(row, response.Text, (int)(response.Usage?.OutputTokenCount ?? 0),
                    response.FinishReason == ChatFinishReason.Length);
            }).GetAwaiter().GetResult();
        }
        catch (Exception e) when (Transport(e) is { } cause && !cancellationToken.IsCancellationRequested)
        {
            string retried = e is AggregateException { InnerExceptions.Count: > 1 } all ? $" (after {all.InnerExceptions.Count} tries)" : "";
            throw new ForgeDataException($"teacher {description}: {cause.Message}{retried}", e);
        }
        return samples;
    }

    /// <summary>The failure to report: an HTTP status or connection error, possibly inside the client's retry aggregate.</summary>
    private static Exception? Transport(Exception e) => e switch
    {
        System.ClientModel.ClientResultException or HttpRequestException or TaskCanceledException => e,
        AggregateException all => all.InnerExceptions.Select(Transport).FirstOrDefault(x => x is not null),
        _ => null,
    };

    private List<ChatMessage> Messages(string prompt)
    {
        var messages = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(systemPrompt)) messages.Add(new ChatMessage(ChatRole.System, systemPrompt));
        messages.Add(new ChatMessage(ChatRole.User, prompt));
        return messages;
    }

    /// <inheritdoc />
    public void Dispose() => client.Dispose();
}
