using System.Globalization;
using System.Text.Json.Nodes;
using Forge.Contracts.Models;
using Forge.Core.Adapters;
using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Models;
using Forge.Core.Pipelines;
using Forge.Core.Prompts;
using Forge.Core.Tokenizers;
using Microsoft.Extensions.Configuration;
using static TorchSharp.torch;

namespace Forge.Core.Stages;

/// <summary>A stage's model and tokenizer, and where they came from (so a checkpoint can carry the tokenizer on).</summary>
public sealed record StageModel(ILanguageModel Model, ITokenizer Tokenizer, string? TokenizerSource) : IDisposable
{
    /// <summary>The prompt template the stage trains with; saved checkpoints record it (<see cref="CheckpointTemplate"/>).</summary>
    public string? PromptTemplate { get; init; }

    /// <summary>The <c>Chat</c> settings of a <c>chat</c> template, recorded beside it.</summary>
    public ChatTemplateOptions? ChatOptions { get; init; }

    /// <summary>
    /// Writes the model and its tokenizer into <paramref name="directory"/> (a Hugging Face folder), and forge.json
    /// naming <see cref="PromptTemplate"/> when set.
    /// </summary>
    public void Save(string directory)
    {
        Model.Save(directory);
        if (PromptTemplate is not null) CheckpointTemplate.Write(directory, PromptTemplate, ChatOptions);
        if (Tokenizer is CharTokenizer chars) chars.Save(directory);
        else if (TokenizerSource is not null)
        {
            string file = Path.GetFullPath(Directory.Exists(TokenizerSource) ? Path.Combine(TokenizerSource, "tokenizer.json") : TokenizerSource);
            string folder = Path.GetDirectoryName(file)!;
            if (Path.GetFullPath(folder) == Path.GetFullPath(directory)) return;
            foreach (string name in new[] { Path.GetFileName(file), ChatTemplate.ConfigFile, ChatTemplate.JinjaFile })
                if (File.Exists(Path.Combine(folder, name))) File.Copy(Path.Combine(folder, name), Path.Combine(directory, name), overwrite: true);
        }
    }

    /// <summary>
    /// At the end of a stage that trained an adapter with <c>Merge</c>: base + update as a plain model folder (with the
    /// tokenizer and template) in <paramref name="directory"/>; nothing for a stage without an adapter.
    /// </summary>
    public void SaveMerged(string directory)
    {
        if (Model is not AdaptedModel adapted) return;
        using var merged = adapted.Merged();
        (this with { Model = merged }).Save(directory);
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}

/// <summary>
/// The model keys every training stage shares (<see cref="TrainingStageOptions"/>): <c>Model</c> (a Hugging Face
/// folder, relative paths resolved against the run folder first) or <c>NewModel</c> (a config.json as keys, trained
/// from scratch), <c>Tokenizer</c> (a path, or <c>char</c> for a character tokenizer built from the stage's text),
/// <c>Device</c> and <c>DType</c>.
/// </summary>
public static class ModelSettings
{
    /// <summary>
    /// Loads or creates the stage's model; a new model without <c>Tokenizer</c> takes <paramref name="tokenizerFallback"/>
    /// (e.g. its teacher's folder) when given, else a character tokenizer built from <paramref name="corpus"/>. With
    /// <paramref name="weightsFrom"/> (a step checkpoint being resumed) the weights come from there, while the
    /// tokenizer is resolved as configured, so later saves still carry it from its source.
    /// </summary>
    public static StageModel Resolve(StageContext context, IModelStore store, Func<IEnumerable<string>> corpus, string? weightsFrom = null,
        string? tokenizerFallback = null)
    {
        var options = context.Options<TrainingStageOptions>();
        var device = DeviceSelector.Parse(options.Device);
        var dtype = ModelConfig.ParseDType(options.DType, $"{context.Path}:DType");
        if (options.Model is not null && options.Adapter is not null) return Adapt(context, store, options, weightsFrom);
        if (options.Model is not null) return Load(context, store, options.Model, options.Tokenizer, weightsFrom);
        var newModel = options.NewModel ?? throw new ForgeDataException($"{context.Path}: give Model (a checkpoint folder) or NewModel (a config to train from scratch)");
        string? tokenizerPath = options.Tokenizer is null ? tokenizerFallback : options.Tokenizer == "char" ? null : context.ResolvePath(options.Tokenizer);
        ITokenizer tok = tokenizerPath is null ? CharTokenizer.Build(corpus()) : store.LoadTokenizer(tokenizerPath);
        var config = ToJson(newModel);
        config["vocab_size"] = tok.VocabSize;
        config["model_type"] ??= "qwen2";
        config["architectures"] ??= new JsonArray("Qwen2ForCausalLM");
        config["eos_token_id"] = new JsonArray(tok.StopTokenIds.Select(id => (JsonNode)id).ToArray());
        config["pad_token_id"] = tok.PadTokenId;
        var created = weightsFrom is null ? store.Create(config.ToJsonString(), device, dtype, context.Seed) : store.Load(weightsFrom, device, dtype);
        return new StageModel(created, tok, tokenizerPath) { PromptTemplate = options.Template, ChatOptions = options.Chat };
    }

    /// <summary>
    /// Loads the model folder <paramref name="folder"/> (a setting, resolved against the run folder) with its tokenizer
    /// — or <paramref name="tokenizer"/> when given — on the stage's <c>Device</c> and <c>DType</c>; the weights come
    /// from <paramref name="weightsFrom"/> instead when a step checkpoint is resumed.
    /// </summary>
    public static StageModel Load(StageContext context, IModelStore store, string folder, string? tokenizer = null, string? weightsFrom = null)
    {
        var options = context.Stage.Options;
        string path = context.ResolvePath(folder) ?? throw new ForgeDataException($"{context.Path}: missing model folder");
        var device = DeviceSelector.Parse(options.Device);
        var dtype = ModelConfig.ParseDType(options.DType, $"{context.Path}:DType");
        string tokenizerPath = tokenizer is not null ? context.ResolvePath(tokenizer)! : path;
        return new StageModel(store.Load(weightsFrom ?? path, device, dtype), store.LoadTokenizer(tokenizerPath), tokenizerPath)
        {
            PromptTemplate = options.Template,
            ChatOptions = options.Chat,
        };
    }

    /// <summary>
    /// The frozen <c>Model</c> with the stage's LoRA adapter: a new one (drawn from the stage's seed), or, resuming, the
    /// one the step checkpoint <paramref name="weightsFrom"/> holds, whose config must match the configured adapter.
    /// </summary>
    private static StageModel Adapt(StageContext context, IModelStore store, TrainingStageOptions options, string? weightsFrom)
    {
        var loaded = Load(context, store, options.Model!, options.Tokenizer);
        try
        {
            var decoder = loaded.Model as DecoderModel ?? throw new ForgeDataException($"{context.Path}:Adapter: the model is not one of Forge's decoders");
            var spec = LoraSpec.From(options.Adapter!);
            LoraAdapter adapter;
            if (weightsFrom is null)
            {
                adapter = new LoraAdapter(decoder, spec, generator: new Generator((ulong)context.Seed));
            }
            else
            {
                var (saved, _) = PeftAdapterFolder.ReadConfig(weightsFrom);
                if (saved.Rank != spec.Rank || saved.Alpha != spec.Alpha || saved.UseRslora != spec.UseRslora || !saved.TargetModules.Order().SequenceEqual(spec.TargetModules.Order()))
                    throw new ForgeDataException($"{Path.Combine(weightsFrom, PeftAdapterFolder.ConfigFile)}: the checkpoint's adapter (r {saved.Rank}, alpha {saved.Alpha}, {string.Join(", ", saved.TargetModules)}) differs from {context.Path}:Adapter");
                adapter = PeftAdapterFolder.Load(weightsFrom, decoder);
            }
            string basePath = Path.GetFullPath(context.ResolvePath(options.Model!)!);
            return loaded with { Model = new AdaptedModel(decoder, adapter, basePath) };
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>A configuration section as JSON, numbers and booleans typed.</summary>
    private static JsonObject ToJson(IConfigurationSection section)
    {
        var json = new JsonObject();
        foreach (var child in section.GetChildren())
        {
            json[child.Key] = child.Value switch
            {
                null => ToJson(child),
                var v when long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) => l,
                var v when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
                var v when bool.TryParse(v, out bool b) => b,
                var v => v,
            };
        }
        return json;
    }
}
