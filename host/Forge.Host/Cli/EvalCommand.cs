using System.CommandLine;
using System.Text.Json;
using Forge.Contracts.Sampling;
using Forge.Core.Artifacts;
using Forge.Core.Data;
using Forge.Core.Evaluation;
using Forge.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge eval --model DIR --tasks arithmetic,countdown:countdown</c>: pass@1 over k samples and cons@k per task,
/// printed as JSON (and written to --output).
/// </summary>
internal static class EvalCommand
{
    public static Command Create(CliContext cli)
    {
        var models = new ModelOptions();
        var tasks = new Option<string>("--tasks") { Description = "Comma-separated tasks (prompt sources), each optionally task:reward for its correctness reward (default accuracy)", Required = true };
        var k = new Option<int>("--k") { Description = "Samples per prompt", DefaultValueFactory = _ => 4 };
        var prompts = new Option<int>("--prompts") { Description = "Prompts per task", DefaultValueFactory = _ => 64 };
        var split = new Option<string>("--split") { Description = "Split of each task", DefaultValueFactory = _ => "test" };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature (paper: 0.6)", DefaultValueFactory = _ => 0.6 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus mass (paper: 0.95)", DefaultValueFactory = _ => 0.95 };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens per completion", DefaultValueFactory = _ => 256 };
        var threshold = new Option<double>("--threshold") { Description = "Correctness score that counts as correct", DefaultValueFactory = _ => 0.5 };
        var seed = new Option<int>("--seed") { Description = "Seed for the prompts and samples", DefaultValueFactory = _ => 0 };
        var sampler = new Option<string>("--sampler") { Description = "Sampler plugin", DefaultValueFactory = _ => "kv-cache" };
        var output = new Option<string?>("--output") { Description = "Also write the JSON report to this file" };
        var command = new Command("eval", "Evaluate a model: pass@1 over k samples and cons@k, per task, as JSON")
        {
            tasks, k, prompts, split, temperature, topP, maxNew, threshold, seed, sampler, output,
        };
        models.AddTo(command);
        command.SetAction(parse => cli.WithApplication(parse, app =>
        {
            var list = parse.GetValue(tasks)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(t => t.Split(':', 2) is var parts && parts.Length == 2 ? new EvalTask(parts[0], parts[1]) : new EvalTask(t, "accuracy"))
                .ToList();
            if (list.Count == 0) throw new Core.ForgeDataException("--tasks: name at least one task");
            if (parse.GetValue(k) < 1 || parse.GetValue(prompts) < 1) throw new Core.ForgeDataException("--k and --prompts must be at least 1");
            var settings = new EvalSettings(list, parse.GetValue(k), parse.GetValue(prompts), parse.GetValue(split)!,
                GenerationArguments.Check(new GenerationSettings { Temperature = parse.GetValue(temperature), TopP = parse.GetValue(topP), MaxNewTokens = parse.GetValue(maxNew) }),
                parse.GetValue(sampler)!, GenerationArguments.Finite(parse.GetValue(threshold), "--threshold"));
            using var model = models.Load(parse, app.Services.GetRequiredService<IModelStore>());
            var report = ModelEvaluation.Run(app.Services.GetRequiredService<IPluginResolver>(), model, models.ChooseTemplate(parse).Template, settings,
                parse.GetValue(models.Model)!, parse.GetValue(seed), CancellationToken.None);
            if (parse.GetValue(output) is { } path) EvalFile.Write(path, report);
            cli.Out.WriteLine(JsonSerializer.Serialize(report, ForgeJson.Indented));
            return 0;
        }));
        return command;
    }
}
