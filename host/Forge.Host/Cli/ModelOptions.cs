using System.CommandLine;
using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Models;
using Forge.Core.Stages;

namespace Forge.Host.Cli;

/// <summary>The options naming a model folder and where it runs, shared by <c>serve</c> and <c>eval</c>.</summary>
internal sealed class ModelOptions
{
    public Option<string> Model { get; } = new("--model") { Description = "Hugging Face model folder (config.json, safetensors, tokenizer.json)", Required = true };
    public Option<string?> Tokenizer { get; } = new("--tokenizer") { Description = "tokenizer.json or its folder (default: the model folder)" };
    public Option<string?> Template { get; } = new("--template") { Description = "Prompt template: r1, chatml, chatml:SYSTEM or a format with {prompt} (default: the prompt as is)" };
    public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
    public Option<string?> DType { get; } = new("--dtype") { Description = "float32, bfloat16 or float16 (default: the checkpoint's)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Tokenizer);
        command.Options.Add(Template);
        command.Options.Add(Device);
        command.Options.Add(DType);
    }

    /// <summary>Loads the model and its tokenizer.</summary>
    public StageModel Load(ParseResult parse, IModelStore store)
    {
        string folder = parse.GetValue(Model)!;
        if (!File.Exists(Path.Combine(folder, "config.json"))) throw new Core.ForgeDataException($"--model: {folder} has no config.json");
        string tokenizer = parse.GetValue(Tokenizer) ?? folder;
        var config = ModelConfig.Load(Path.Combine(folder, "config.json"));
        var type = parse.GetValue(DType) is { } name ? ModelConfig.ParseDType(name, "--dtype") : config.DType;
        var tok = store.LoadTokenizer(tokenizer);
        return new StageModel(store.Load(folder, DeviceSelector.Parse(parse.GetValue(Device)!), type), tok, tokenizer);
    }

    public Core.Prompts.PromptTemplate ParseTemplate(ParseResult parse) => Core.Prompts.PromptTemplate.Parse(parse.GetValue(Template) ?? "{prompt}");
}
