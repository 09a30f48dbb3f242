using Forge.Contracts.Data;
using Forge.Contracts.Sampling;
using Forge.Core.Prompts;
using Forge.Core.Stages;

namespace Forge.Core.Teachers;

/// <summary>A model loaded in this process, sampled by a sampler plugin; prompts are formatted by the stage's template.</summary>
public sealed class LocalTeacher(StageModel model, ISampler sampler, IPromptTemplate template, string description) : ITeacher
{
    /// <summary>Prompts per sampling call; bounds the KV-cache memory.</summary>
    public int PromptsPerBatch { get; init; } = 32;

    /// <inheritdoc />
    public string Description => description;

    /// <inheritdoc />
    public IReadOnlyList<TeacherSample> Generate(IReadOnlyList<PromptRow> rows, int samplesPerPrompt, GenerationSettings settings, long seed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var samples = new List<TeacherSample>(rows.Count * samplesPerPrompt);
        for (int start = 0; start < rows.Count; start += PromptsPerBatch)
        {
            var chunk = rows.Skip(start).Take(PromptsPerBatch).ToList();
            var prompts = chunk.Select(r => PromptFit.Check(model.Tokenizer.Encode(template.Format(r.Prompt)), model.Model, $"{description}: prompt '{r.Id}'")).ToList();
            var completions = sampler.Sample(new SamplingRequest(model.Model, model.Tokenizer, prompts, samplesPerPrompt, settings, seed + start),
                cancellationToken);
            samples.AddRange(completions.Select(c => new TeacherSample(start + c.PromptIndex, c.Text, c.TokenIds.Count, c.Truncated)));
        }
        return samples;
    }

    /// <inheritdoc />
    public void Dispose() => model.Dispose();
}
