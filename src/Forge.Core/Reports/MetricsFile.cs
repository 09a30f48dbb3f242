using System.Globalization;
using System.Text.Json;

namespace Forge.Core.Reports;

/// <summary>Reads <c>metrics.jsonl</c> back: one row per line with its stage, step and numeric metrics.</summary>
public static class MetricsFile
{
    /// <summary>A line of the file: the numeric fields other than <c>step</c> and <c>time</c>.</summary>
    public sealed record Row(string Stage, int Step, IReadOnlyDictionary<string, double> Values);

    /// <summary>The rows of <paramref name="path"/> (none when the file does not exist); a bad line names itself.</summary>
    public static IReadOnlyList<Row> Read(string path)
    {
        var rows = new List<Row>();
        if (!Path.Exists(path)) return rows;
        foreach (var (number, line) in Data.BoundedFile.ReadLines(path, "metrics.jsonl"))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                string stage = root.GetProperty("stage").GetString() ?? throw new JsonException("stage is null");
                int step = root.GetProperty("step").GetInt32();
                var values = new Dictionary<string, double>();
                foreach (var property in root.EnumerateObject())
                {
                    if (property.Name is "stage" or "step" or "time") continue;
                    if (property.Value.ValueKind == JsonValueKind.Number) values[property.Name] = property.Value.GetDouble();
                    else if (property.Value.ValueKind == JsonValueKind.String
                             && double.TryParse(property.Value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                        values[property.Name] = v; // NaN/Infinity are written as strings
                }
                rows.Add(new Row(stage, step, values));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new ForgeDataException($"{path}:{number}: not a metrics record ({Data.JsonErrors.Describe(ex)})");
            }
        }
        return rows;
    }
}
