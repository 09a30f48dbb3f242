using System.Diagnostics;
using System.Globalization;
using Forge.Bench.Rewards;
using Forge.Contracts.Rewards;
using Forge.Plugins.LanguageConsistency;
using Forge.Plugins.Rewards;

// Scores 10,000 deterministic completions per reward on one thread, in batches of 64 (a few GRPO groups), and
// prints completions/second as a markdown table. Usage: dotnet run -c Release --project bench/Forge.Bench.Rewards [count]
// Also: lingua-load lazy|preload (model loading), language-accuracy shipped|default|low-accuracy|all-languages (labelled set).
if (args is ["lingua-load", var mode]) return LinguaLoad(mode == "preload");
if (args is ["language-accuracy", var configuration]) return LanguageAccuracy.Run(configuration);
int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
const int BatchSize = 64;

var lingua = Stopwatch.StartNew();
var language = new LanguageConsistencyReward(new LanguageConsistencyOptions());
double buildMs = lingua.Elapsed.TotalMilliseconds;

var generator = new Completions(seed: 42);
var math = Enumerable.Range(0, count).Select(_ => generator.Math()).ToList();
var countdown = Enumerable.Range(0, count).Select(_ => generator.Countdown()).ToList();
var multilingual = Enumerable.Range(0, count).Select(_ => generator.Multilingual()).ToList();

lingua.Restart();
language.Score([multilingual[0]]);
double firstScoreMs = lingua.Elapsed.TotalMilliseconds;

var cases = new (string Name, IRewardModel Reward, List<RewardInput> Inputs)[]
{
    ("accuracy", new AccuracyReward(new AccuracyOptions()), math),
    ("format", new FormatReward(new FormatOptions()), math),
    ("tag-count", new TagCountReward(new TagCountOptions()), math),
    ("countdown", new CountdownReward(new CountdownOptions()), countdown),
    ("cosine", new CosineReward(new CosineOptions()), math),
    ("repetition", new RepetitionReward(new RepetitionOptions()), math),
    ("overlong", new OverlongReward(new OverlongOptions()), math),
    ("language-consistency", language, multilingual),
    ("language-consistency (LowAccuracyMode)", new LanguageConsistencyReward(new LanguageConsistencyOptions { LowAccuracyMode = true }), multilingual),
};

Console.WriteLine($"{count:N0} completions per reward, batches of {BatchSize}, 1 thread, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();
Console.WriteLine("| reward | completions/s | µs/completion | mean chars | mean score | null |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var (name, reward, inputs) in cases)
{
    reward.Score(inputs.Take(200).ToList()); // warm-up: JIT, lazy models
    var scores = new List<double?>(inputs.Count);
    var watch = Stopwatch.StartNew();
    for (int i = 0; i < inputs.Count; i += BatchSize)
        scores.AddRange(reward.Score(inputs.GetRange(i, Math.Min(BatchSize, inputs.Count - i))));
    double seconds = watch.Elapsed.TotalSeconds;
    var values = scores.Where(s => s is not null).Select(s => s!.Value).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {inputs.Count / seconds:N0} | {seconds * 1e6 / inputs.Count:N1} | {inputs.Average(x => x.Completion.Length):N0} | {(values.Count > 0 ? values.Average() : double.NaN):N3} | {scores.Count - values.Count} |"));
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Lingua (default options, lazy models): reward built in {buildMs:N0} ms; first score (loads the models it needs) {firstScoreMs:N0} ms."));
return 0;

// Model loading in a fresh process: lazy (models load on first use) against preloaded (all load when built).
static int LinguaLoad(bool preload)
{
    var watch = Stopwatch.StartNew();
    var reward = new LanguageConsistencyReward(new LanguageConsistencyOptions { PreloadModels = preload });
    double built = watch.Elapsed.TotalMilliseconds;
    var generator = new Completions(seed: 7);
    watch.Restart();
    reward.Score([generator.Multilingual()]);
    double first = watch.Elapsed.TotalMilliseconds;
    watch.Restart();
    reward.Score(Enumerable.Range(0, 50).Select(_ => generator.Multilingual()).ToList());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {(preload ? "preloaded" : "lazy")} | {built:N0} | {first:N0} | {watch.Elapsed.TotalMilliseconds:N0} | {Environment.WorkingSet / (1 << 20):N0} |"));
    return 0;
}
