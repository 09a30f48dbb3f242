using System.Globalization;
using Forge.Contracts.Models;

namespace Forge.Core.Prompts;

/// <summary>
/// A prompt must leave the model room to generate: one with as many tokens as the model has positions
/// (<c>max_position_embeddings</c>) or more is refused with one line naming both numbers, never fed past the positions
/// the model was trained for. (A completion that reaches the last position stops there, marked truncated.)
/// </summary>
public static class PromptFit
{
    /// <summary>Returns <paramref name="ids"/> when they fit <paramref name="model"/>; <paramref name="what"/> names the prompt in the error.</summary>
    public static IReadOnlyList<int> Check(IReadOnlyList<int> ids, ILanguageModel model, string what)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(model);
        return ids.Count < model.MaxPositions ? ids : throw new ForgeDataException(Describe(what, ids.Count, model.MaxPositions));
    }

    /// <summary>The refusal's text.</summary>
    public static string Describe(string what, int tokens, int positions) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{what}: the prompt is {tokens} tokens, but the model has {positions} positions (max_position_embeddings in its config.json): no room to generate");
}
