using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Tasks;

/// <summary>
/// Generated multi-step integer arithmetic, e.g. <c>7+3*2-4</c> with <c>answer</c> 9 (usual precedence).
/// Rows carry <c>answer</c> and <c>expression</c> columns.
/// </summary>
public sealed class ArithmeticTask(ArithmeticOptions options) : IPromptSource
{
    private static readonly char[] Operators = ['+', '-', '*'];

    /// <inheritdoc />
    public IEnumerable<PromptRow> Rows(string split, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<string>();
        int misses = 0;
        while (seen.Count < options.MaxRows && misses < 10_000)
        {
            int operands = random.Next(options.MinOperands, options.MaxOperands + 1);
            var terms = Enumerable.Range(0, operands).Select(_ => random.Next(options.MinNumber, options.MaxNumber + 1)).ToArray();
            var ops = Enumerable.Range(0, operands - 1).Select(_ => Operators[random.Next(options.AllowMultiplication ? 3 : 2)]).ToArray();
            string expression = string.Concat(terms.Select((t, i) => i == 0 ? Num(t) : ops[i - 1] + Num(t)));
            if (!StableSplit.Belongs(expression, split, options.TestPercent) || !seen.Add(expression))
            {
                misses++;
                continue;
            }
            misses = 0;
            long answer = Evaluate(terms, ops);
            yield return new PromptRow($"arithmetic-{expression}", $"What is {expression}?", new Dictionary<string, JsonElement>
            {
                ["answer"] = JsonSerializer.SerializeToElement(Num(answer)),
                ["expression"] = JsonSerializer.SerializeToElement(expression),
            });
        }
    }

    /// <summary>Multiplication first, then left to right.</summary>
    internal static long Evaluate(int[] terms, char[] ops)
    {
        var sums = new List<long> { terms[0] };
        var signs = new List<int> { 1 };
        for (int i = 0; i < ops.Length; i++)
        {
            if (ops[i] == '*') sums[^1] *= terms[i + 1];
            else
            {
                sums.Add(terms[i + 1]);
                signs.Add(ops[i] == '+' ? 1 : -1);
            }
        }
        return sums.Select((s, i) => s * signs[i]).Sum();
    }

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Options of <c>arithmetic</c> (section <c>PromptSources:arithmetic</c>).</summary>
public sealed class ArithmeticOptions : GeneratedTaskOptions
{
    /// <summary>Fewest numbers in an expression.</summary>
    [Description("Fewest numbers in an expression.")]
    [Range(2, 12)]
    public int MinOperands { get; set; } = 2;

    /// <summary>Most numbers in an expression.</summary>
    [Description("Most numbers in an expression.")]
    [Range(2, 12)]
    public int MaxOperands { get; set; } = 3;

    /// <summary>Smallest number.</summary>
    [Description("Smallest number.")]
    [Range(0, 1_000_000)]
    public int MinNumber { get; set; } = 0;

    /// <summary>Largest number.</summary>
    [Description("Largest number.")]
    [Range(0, 1_000_000)]
    public int MaxNumber { get; set; } = 9;

    /// <summary>Use '*' as well as '+' and '-'.</summary>
    [Description("Use '*' as well as '+' and '-'.")]
    public bool AllowMultiplication { get; set; } = true;
}

/// <summary>Exports <c>arithmetic</c>.</summary>
[ForgePlugin("arithmetic", PluginKind.PromptSource, Description = "Generated multi-step integer arithmetic with train/test splits")]
public sealed class ArithmeticTaskPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IPromptSource, ArithmeticTask, ArithmeticOptions>(context);
}
