using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Tasks;

/// <summary>
/// Generated countdown puzzles (TinyZero's task): reach <c>target</c> using each of the <c>numbers</c> exactly once with
/// + − × ÷. Every target is reachable: it is the value of a random expression over the numbers.
/// </summary>
public sealed class CountdownTask(CountdownOptions options) : IPromptSource
{
    /// <inheritdoc />
    public IEnumerable<PromptRow> Rows(string split, int seed)
    {
        var random = new Random(seed);
        var seen = new HashSet<string>();
        int misses = 0;
        while (seen.Count < options.MaxRows && misses < 10_000)
        {
            int count = random.Next(options.MinNumbers, options.MaxNumbers + 1);
            int[] numbers = Enumerable.Range(0, count).Select(_ => random.Next(1, options.MaxNumber + 1)).ToArray();
            long? target = RandomValue(numbers, random);
            string key = $"{string.Join(",", numbers)}={target}";
            if (target is not long t || t < 1 || t > options.MaxTarget || !StableSplit.Belongs(key, split, options.TestPercent) || !seen.Add(key))
            {
                misses++;
                continue;
            }
            misses = 0;
            yield return new PromptRow($"countdown-{key}",
                $"Using the numbers [{string.Join(", ", numbers)}], create an equation that equals {t}. Use each number exactly once.",
                new Dictionary<string, JsonElement>
                {
                    ["numbers"] = JsonSerializer.SerializeToElement(numbers),
                    ["target"] = JsonSerializer.SerializeToElement(t),
                    ["answer"] = JsonSerializer.SerializeToElement(t.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                });
        }
    }

    /// <summary>Combines the numbers in random order with random operations; null when a step is not a whole number.</summary>
    private static long? RandomValue(int[] numbers, Random random)
    {
        var pool = numbers.Select(n => (long)n).OrderBy(_ => random.Next()).ToList();
        while (pool.Count > 1)
        {
            long a = pool[^1], b = pool[^2];
            pool.RemoveRange(pool.Count - 2, 2);
            long? value = random.Next(4) switch
            {
                0 => a + b,
                1 => a - b,
                2 => a * b,
                _ => b != 0 && a % b == 0 ? a / b : null,
            };
            if (value is not long v) return null;
            pool.Insert(random.Next(pool.Count + 1), v);
        }
        return pool[0];
    }
}

/// <summary>Options of <c>countdown</c> (section <c>PromptSources:countdown</c>).</summary>
public sealed class CountdownOptions : GeneratedTaskOptions
{
    /// <summary>Fewest numbers per puzzle.</summary>
    [Description("Fewest numbers per puzzle.")]
    [Range(2, 6)]
    public int MinNumbers { get; set; } = 3;

    /// <summary>Most numbers per puzzle.</summary>
    [Description("Most numbers per puzzle.")]
    [Range(2, 6)]
    public int MaxNumbers { get; set; } = 4;

    /// <summary>Largest number drawn.</summary>
    [Description("Largest number drawn.")]
    [Range(1, 1000)]
    public int MaxNumber { get; set; } = 25;

    /// <summary>Largest target kept.</summary>
    [Description("Largest target kept.")]
    [Range(1, 1_000_000)]
    public int MaxTarget { get; set; } = 100;
}

/// <summary>Exports <c>countdown</c>.</summary>
[ForgePlugin("countdown", PluginKind.PromptSource, Description = "Generated countdown puzzles (3-4 numbers) with train/test splits")]
public sealed class CountdownTaskPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IPromptSource, CountdownTask, CountdownOptions>(context);
}
