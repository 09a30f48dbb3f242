using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Forge.Core;
using Forge.Core.Data;
using Forge.Core.Rewards;
using Forge.Core.Tokenizers;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge score --rewards a,b --input FILE.jsonl [--weights 1,0.5] [--tokenizer PATH] [--json]</c>: one output line
/// per input line, in order: <c>{"rewards":{"a":…,"b":null},"total":…}</c>. A completion's tokens (for length rewards)
/// are its line's <c>completion_tokens</c>, else counted with <c>--tokenizer</c>, else 0.
/// </summary>
internal static class ScoreCommand
{
    public static Command Create(CliContext cli)
    {
        var rewards = new Option<string>("--rewards") { Description = "Comma-separated reward plugin names", Required = true };
        var input = new Option<string>("--input") { Description = "JSONL file: prompt, completion and dataset columns per line", Required = true };
        var weights = new Option<string?>("--weights") { Description = "Comma-separated weights, one per reward (default: all 1)" };
        var tokenizer = new Option<string?>("--tokenizer")
        {
            Description = "tokenizer.json (or its folder) counting a completion's tokens where its line has no completion_tokens",
        };
        var json = new Option<bool>("--json") { Description = "JSON lines (default: one readable line per completion)" };
        var command = new Command("score", "Score completions with reward plugins") { rewards, input, weights, tokenizer, json };
        command.SetAction((parse, cancellationToken) => Task.FromResult(cli.WithApplication(parse, app =>
        {
            string[] names = parse.GetValue(rewards)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            double[] weightValues = ParseWeights(parse.GetValue(weights), names.Length);
            var counter = parse.GetValue(tokenizer) is { } path ? TokenizerLoader.Load(path) : null;
            var rows = CompletionFile.Read(parse.GetValue(input)!, counter);
            var composer = app.Services.GetRequiredService<RewardComposerFactory>().Create(names.Zip(weightValues));
            var scores = composer.Score(rows, cancellationToken);
            bool asJson = parse.GetValue(json);
            foreach (var score in scores)
            {
                cli.Out.WriteLine(asJson
                    ? JsonSerializer.Serialize(new { rewards = score.Rewards, total = score.Total }, ForgeJson.Compact)
                    : string.Join("  ", score.Rewards.Select(r => $"{r.Key}={Format(r.Value)}")) + $"  total={Format(score.Total)}");
            }
            return 0;
        })));
        return command;
    }

    private static double[] ParseWeights(string? text, int count)
    {
        if (text is null) return Enumerable.Repeat(1.0, count).ToArray();
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != count) throw new ForgeDataException($"--weights: {parts.Length} weights for {count} rewards");
        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double w) && double.IsFinite(w)
            ? w : throw new ForgeDataException($"--weights: '{p}' is not a number")).ToArray();
    }

    private static string Format(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "null";
}
