using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Numerics;
using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Rewards;

/// <summary>
/// Countdown: 1 when the expression in the last <c>&lt;answer&gt;…&lt;/answer&gt;</c> uses every number of the
/// <c>numbers</c> column exactly once (as a multiset) and equals <c>target</c> in exact rational arithmetic, else 0.
/// Operators + − × ÷ (also * / and <c>\times</c>, <c>\div</c>) and parentheses; no unary minus, no other numbers.
/// "expression = target" is accepted. Null when the row lacks usable numbers or target.
/// </summary>
public sealed class CountdownReward(CountdownOptions options) : RewardModel
{
    /// <inheritdoc />
    protected override double? Score(RewardInput input)
    {
        if (!TryNumbers(input.Row, options.NumbersColumn, out var numbers) || !TryTarget(input.Row, options.TargetColumn, out var target))
            return null;
        string? answer = CompletionParts.LastTagged(input.Completion, "<answer>", "</answer>", options.MaxExpressionLength);
        if (answer is null) return 0.0;
        return CountdownExpression.Solves(answer, numbers, target) ? 1.0 : 0.0;
    }

    private static bool TryNumbers(PromptRow row, string column, out BigInteger[] numbers)
    {
        numbers = [];
        if (!row.Columns.TryGetValue(column, out var value)) return false;
        var items = new List<BigInteger>();
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                string? text = item.ValueKind == JsonValueKind.String ? item.GetString() : item.GetRawText();
                if (!BigInteger.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n)) return false;
                items.Add(n);
            }
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            foreach (var part in (value.GetString() ?? "").Split([',', ' ', '[', ']'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!BigInteger.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out var n)) return false;
                items.Add(n);
            }
        }
        if (items.Count == 0) return false;
        items.Sort();
        numbers = [.. items];
        return true;
    }

    private static bool TryTarget(PromptRow row, string column, out Rational target)
    {
        target = default;
        string? text = row.GetString(column);
        return text is not null && Rational.TryParse(text.Trim(), out target);
    }
}

/// <summary>Options of the <c>countdown</c> reward.</summary>
public sealed class CountdownOptions
{
    /// <summary>Row column with the numbers to use (a JSON array of integers, or a string such as "[3, 7, 25]").</summary>
    [Description("Row column with the numbers to use (a JSON array of integers, or a string such as \"[3, 7, 25]\").")]
    [Required(AllowEmptyStrings = false)]
    public string NumbersColumn { get; set; } = "numbers";

    /// <summary>Row column with the target value.</summary>
    [Description("Row column with the target value.")]
    [Required(AllowEmptyStrings = false)]
    public string TargetColumn { get; set; } = "target";

    /// <summary>Longest answer expression considered, in characters; longer answers score 0.</summary>
    [Description("Longest answer expression considered, in characters; longer answers score 0.")]
    [Range(1, 100_000)]
    public int MaxExpressionLength { get; set; } = 512;
}

/// <summary>Exports <c>countdown</c>.</summary>
[ForgePlugin("countdown", PluginKind.Reward, Description = "1 when the <answer> expression uses each number once and equals the target")]
public sealed class CountdownRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, CountdownReward, CountdownOptions>(context);
}
