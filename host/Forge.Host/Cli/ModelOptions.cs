using System.CommandLine;
using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Models;
using Forge.Core.Prompts;
using Forge.Core.Stages;

namespace Forge.Host.Cli;

/// <summary>The options naming a model folder and where it runs, shared by <c>serve</c> and <c>eval</c>.</summary>
internal sealed class ModelOptions
{
    public Option<string> Model { get; } = new("--model") { Description = "Hugging Face model folder (config.json, safetensors, tokenizer.json)", Required = true };
    public Option<string?> Tokenizer { get; } = new("--tokenizer") { Description = "tokenizer.json or its folder (default: the model folder)" };
    public Option<string?> Template { get; } = new("--template") { Description = TemplateHelp };
    public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
    public Option<string?> DType { get; } = new("--dtype") { Description = "float32, bfloat16 or float16 (default: the checkpoint's)" };
    public Option<string?> Adapter { get; } = new("--adapter") { Description = AdapterHelp };

    /// <summary>--adapter's help.</summary>
    public const string AdapterHelp = "PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors) merged into --model's weights at load";

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Tokenizer);
        command.Options.Add(Template);
        command.Options.Add(Device);
        command.Options.Add(DType);
        command.Options.Add(Adapter);
    }

    /// <summary>Loads the model and its tokenizer.</summary>
    public StageModel Load(ParseResult parse, IModelStore store)
    {
        string folder = parse.GetValue(Model)!;
        if (!Directory.Exists(folder)) throw new Core.ForgeDataException($"--model: {folder}: no such model folder");
        string tokenizer = parse.GetValue(Tokenizer) ?? folder;
        var config = ModelConfig.Load(Path.Combine(Core.Adapters.PeftAdapterFolder.ModelFolder(folder), "config.json"));
        var type = parse.GetValue(DType) is { } name ? ModelConfig.ParseDType(name, "--dtype") : config.DType;
        var tok = store.LoadTokenizer(tokenizer);
        return new StageModel(AdapterArgument.Load(store, folder, parse.GetValue(Adapter), DeviceSelector.Parse(parse.GetValue(Device)!), type), tok, tokenizer);
    }

    /// <summary>--template's help: what it takes, and the checkpoint's own template as the default.</summary>
    public const string TemplateHelp = "Prompt template: r1, chatml, chatml:SYSTEM, chat (the model's own chat template), chat:SYSTEM or a format with {prompt} "
        + "(default: the one the checkpoint was trained with, from its forge.json; else chat when its tokenizer has a chat template; else the prompt as is)";

    /// <summary>--template, else the checkpoint's own template (<see cref="CheckpointTemplate"/>), with where it came from.</summary>
    public (IPromptTemplate Template, string Spec, string Source) ChooseTemplate(ParseResult parse) =>
        CheckpointTemplate.Choose(parse.GetValue(Template), AdapterArgument.TemplateFolder(parse.GetValue(Model)!, parse.GetValue(Adapter)), parse.GetValue(Tokenizer));
}
