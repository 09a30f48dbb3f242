using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Host.Runs;

/// <summary>A key whose value differs between two configurations, both values as text (<c>(none)</c> when unset).</summary>
/// <param name="Key">The configuration key (<c>Pipelines:learn:Stages:1:PromptsPerStep</c>).</param>
/// <param name="Before">The value in the earlier configuration.</param>
/// <param name="After">The value now.</param>
internal sealed record ConfigurationChange(string Key, string Before, string After)
{
    public override string ToString() => $"{Key} ({Before} -> {After})";
}

/// <summary>
/// The keys that differ between two configurations written as <c>config.json</c> writes them
/// (<see cref="TypedConfigurationJson"/>): objects compared key by key ignoring case, as configuration does, lists item
/// by item, numbers by value, anything else by its text; a key set on one side only is a change (an empty section on
/// the other side counts as unset).
/// </summary>
internal static class ConfigurationChanges
{
    private const int LongestValue = 80;

    /// <summary>The changes under <paramref name="key"/>, in the order of the newer configuration's keys; <paramref name="ignored"/> keys are skipped.</summary>
    public static IReadOnlyList<ConfigurationChange> Between(JsonNode? before, JsonNode? after, string key, Func<string, bool> ignored)
    {
        ArgumentNullException.ThrowIfNull(ignored);
        var changes = new List<ConfigurationChange>();
        Compare(before, after, key, ignored, changes);
        return changes;
    }

    private static void Compare(JsonNode? before, JsonNode? after, string key, Func<string, bool> ignored, List<ConfigurationChange> changes)
    {
        if (ignored(key)) return;
        if ((before ?? EmptyLike(after)) is JsonObject older && (after ?? EmptyLike(before)) is JsonObject newer)
        {
            foreach (var (name, value) in newer)
                Compare(older.TryGetPropertyValue(name, out var was) ? was : null, value, $"{key}:{name}", ignored, changes);
            foreach (var (name, value) in older)
                if (!Contains(newer, name)) Compare(value, null, $"{key}:{name}", ignored, changes);
            return;
        }
        if ((before ?? EmptyLike(after)) is JsonArray olderList && (after ?? EmptyLike(before)) is JsonArray newerList)
        {
            for (int i = 0; i < Math.Max(olderList.Count, newerList.Count); i++)
                Compare(i < olderList.Count ? olderList[i] : null, i < newerList.Count ? newerList[i] : null, $"{key}:{i}", ignored, changes);
            return;
        }
        // Numbers compare by value (0.001 and 1e-3 are one setting).
        if (!JsonNode.DeepEquals(before, after)) changes.Add(new ConfigurationChange(key, Text(before), Text(after)));
    }

    /// <summary>An empty object or list where the other side has one, so that a key set on one side only is named itself.</summary>
    private static JsonNode? EmptyLike(JsonNode? other) => other switch
    {
        JsonObject => TypedConfigurationJson.NewObject(),
        JsonArray => new JsonArray(),
        _ => null,
    };

    private static bool Contains(JsonObject json, string name) =>
        json.Any(property => string.Equals(property.Key, name, StringComparison.OrdinalIgnoreCase));

    private static string Text(JsonNode? value)
    {
        string text = value switch
        {
            null => EffectiveSettings.None,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => value.ToJsonString(),
        };
        return text.Length <= LongestValue ? text : text[..(LongestValue - 1)] + "…";
    }
}
