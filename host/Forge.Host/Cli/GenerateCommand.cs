using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Forge.Contracts.Models;
using Forge.Contracts.Sampling;
using Forge.Core;
using Forge.Core.Artifacts;
using Forge.Core.Data;
using Forge.Core.Devices;
using Forge.Core.Models;
using Forge.Core.Plugins;
using Forge.Core.Prompts;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge generate --model DIR (--prompt TEXT | --prompt-ids 1,2,3) …</c>: one completion through a sampler plugin;
/// prints <c>{"ids":[…], "logprobs":[…], "text":"…"}</c> with --json.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext cli)
    {
        var model = new Option<string>("--model") { Description = "Hugging Face model folder (config.json + safetensors)", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json or its folder (default: the model folder)" };
        var prompt = new Option<string?>("--prompt") { Description = "Prompt text, put into the prompt template (see --template)" };
        var promptIds = new Option<string?>("--prompt-ids") { Description = "Prompt as comma-separated token ids (works without a tokenizer)" };
        var template = new Option<string?>("--template") { Description = ModelOptions.TemplateHelp };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens to generate", DefaultValueFactory = _ => 64 };
        var greedy = new Option<bool>("--greedy") { Description = "Argmax decoding; log-probs under the raw distribution" };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature", DefaultValueFactory = _ => 1.0 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus mass", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int>("--top-k") { Description = "Keep the k most likely tokens (0: off)" };
        var minP = new Option<double>("--min-p") { Description = "Min-p filter (0: off)" };
        var repetition = new Option<double>("--repetition-penalty") { Description = "CTRL repetition penalty (1: off)", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<long>("--seed") { Description = "Sampling seed", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string?>("--dtype") { Description = "float32, bfloat16 or float16 (default: the checkpoint's)" };
        var sampler = new Option<string>("--sampler") { Description = "Sampler plugin", DefaultValueFactory = _ => "kv-cache" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var adapter = new Option<string?>("--adapter") { Description = ModelOptions.AdapterHelp };
        var command = new Command("generate", "Generate a completion from a model")
        {
            model, tokenizer, prompt, promptIds, template, maxNew, greedy, temperature, topP, topK, minP, repetition, seed, device, dtype, sampler, json, adapter,
        };
        command.SetAction(parse => cli.WithApplication(parse, app =>
        {
            var settings = GenerationArguments.Check(new GenerationSettings
            {
                MaxNewTokens = parse.GetValue(maxNew),
                Greedy = parse.GetValue(greedy),
                Temperature = parse.GetValue(temperature),
                TopP = parse.GetValue(topP),
                TopK = parse.GetValue(topK),
                MinP = parse.GetValue(minP),
                RepetitionPenalty = parse.GetValue(repetition),
            });
            string modelDir = parse.GetValue(model)!;
            if (!Directory.Exists(modelDir)) throw new ForgeDataException($"--model: {modelDir}: no such model folder");
            var store = app.Services.GetRequiredService<IModelStore>();
            string? tokenizerPath = parse.GetValue(tokenizer)
                ?? (File.Exists(Path.Combine(modelDir, "tokenizer.json")) || File.Exists(Path.Combine(modelDir, "tokenizer.json.gz")) ? modelDir : null);
            var config = ModelConfig.Load(Path.Combine(Core.Adapters.PeftAdapterFolder.ModelFolder(modelDir), "config.json"));
            ITokenizer tok = tokenizerPath is null ? new IdsOnlyTokenizer(config.VocabSize, config.EosTokenIds) : store.LoadTokenizer(tokenizerPath);
            var ids = PromptIds(parse.GetValue(prompt), parse.GetValue(promptIds), () => CheckpointTemplate.Choose(parse.GetValue(template), AdapterArgument.TemplateFolder(modelDir, parse.GetValue(adapter)), tokenizerPath).Template,
                tok, tokenizerPath is not null);

            var torchDevice = DeviceSelector.Parse(parse.GetValue(device)!);
            var type = parse.GetValue(dtype) is { } name ? ModelConfig.ParseDType(name, "--dtype") : config.DType;
            if (ids.Count >= config.MaxPositionEmbeddings)
                throw new ForgeDataException(PromptFit.Describe(parse.GetValue(prompt) is null ? "--prompt-ids" : "--prompt", ids.Count, config.MaxPositionEmbeddings));
            using var lm = AdapterArgument.Load(store, modelDir, parse.GetValue(adapter), torchDevice, type);
            var completion = app.Services.GetRequiredService<IPluginResolver>().Resolve<ISampler>(parse.GetValue(sampler)!)
                .Sample(new SamplingRequest(lm, tok, [ids], 1, settings, parse.GetValue(seed)))[0];

            if (parse.GetValue(json))
            {
                object result = tokenizerPath is null
                    ? new { ids = completion.TokenIds, logprobs = completion.LogProbs }
                    : new { ids = completion.TokenIds, logprobs = completion.LogProbs, text = completion.Text };
                cli.Out.WriteLine(JsonSerializer.Serialize(result, ForgeJson.Compact));
            }
            else cli.Out.WriteLine(tokenizerPath is null ? string.Join(" ", completion.TokenIds) : completion.Text);
            return 0;
        }));
        return command;
    }

    private static IReadOnlyList<int> PromptIds(string? text, string? ids, Func<IPromptTemplate> template, ITokenizer tokenizer, bool hasTokenizer)
    {
        if ((text is null) == (ids is null)) throw new ForgeDataException("give exactly one of --prompt and --prompt-ids");
        if (ids is not null)
            return ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id < tokenizer.VocabSize
                    ? id : throw new ForgeDataException($"--prompt-ids: '{s}' is not a token id below {tokenizer.VocabSize}")).ToList();
        if (!hasTokenizer) throw new ForgeDataException("--prompt needs a tokenizer: the model folder has no tokenizer.json and no --tokenizer was given");
        string formatted = template().Format(text!);
        var encoded = tokenizer.Encode(formatted);
        return encoded.Count > 0 ? encoded : throw new ForgeDataException("--prompt: the prompt encodes to no tokens");
    }

    /// <summary>For models without a tokenizer: stops on the config's end-of-sequence ids; no text.</summary>
    private sealed class IdsOnlyTokenizer(int vocabSize, IReadOnlyList<int> stops) : ITokenizer
    {
        public int VocabSize => vocabSize;
        public IReadOnlyList<int> StopTokenIds => stops;
        public int PadTokenId => 0;
        public IReadOnlyList<int> Encode(string text) => throw new ForgeDataException("this model has no tokenizer");
        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => "";
    }
}
