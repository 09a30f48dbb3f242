using Forge.Contracts.Data;
using Forge.Contracts.Sampling;

namespace Forge.Core.Teachers;

/// <summary>One completion a teacher wrote for a prompt.</summary>
/// <param name="RowIndex">Index of the prompt row in the request.</param>
/// <param name="Text">The completion text.</param>
/// <param name="Tokens">Completion length in the teacher's tokens (0 when the teacher does not say).</param>
/// <param name="Truncated">True when it stopped at the token limit rather than on its own.</param>
public sealed record TeacherSample(int RowIndex, string Text, int Tokens, bool Truncated);

/// <summary>A model that writes completions: a local checkpoint, or a server behind an OpenAI-compatible API.</summary>
public interface ITeacher : IDisposable
{
    /// <summary>A short description for logs and errors (the folder or endpoint).</summary>
    string Description { get; }

    /// <summary>Writes <paramref name="samplesPerPrompt"/> completions for each row, grouped by row in row order.</summary>
    IReadOnlyList<TeacherSample> Generate(IReadOnlyList<PromptRow> rows, int samplesPerPrompt, GenerationSettings settings, long seed,
        CancellationToken cancellationToken);
}
