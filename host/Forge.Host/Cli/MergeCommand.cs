using System.CommandLine;
using Forge.Core;
using Forge.Core.Adapters;
using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Models;
using Forge.Core.Prompts;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge merge --adapter DIR [--model BASE] --output DIR</c>: a PEFT LoRA adapter merged into its base, written as
/// a plain Hugging Face model folder (config.json, safetensors, the base's tokenizer, the adapter's prompt template).
/// </summary>
internal static class MergeCommand
{
    public static Command Create(CliContext cli)
    {
        var adapter = new Option<string>("--adapter") { Description = "PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors)", Required = true };
        var model = new Option<string?>("--model") { Description = "Base model folder (default: the adapter's base_model_name_or_path)" };
        var output = new Option<string>("--output") { Description = "Folder to write the merged model to (must not exist or be empty)", Required = true };
        var dtype = new Option<string?>("--dtype") { Description = "float32, bfloat16 or float16 (default: the base's)" };
        var command = new Command("merge", "Merge a LoRA adapter into its base model and write a Hugging Face folder") { adapter, model, output, dtype };
        command.SetAction(parse => cli.Guard(parse, () =>
        {
            string adapterDir = parse.GetValue(adapter)!, outputDir = parse.GetValue(output)!;
            if (!Directory.Exists(adapterDir)) throw new ForgeDataException($"--adapter: {adapterDir}: no such adapter folder");
            if (Directory.Exists(outputDir) && Directory.EnumerateFileSystemEntries(outputDir).Any())
                throw new ForgeDataException($"--output: {outputDir}: exists and is not empty");
            var (_, named) = PeftAdapterFolder.ReadConfig(adapterDir);
            string baseDir = parse.GetValue(model) ?? PeftAdapterFolder.ResolveBase(adapterDir, named);
            if (!Directory.Exists(baseDir)) throw new ForgeDataException($"--model: {baseDir}: no such model folder");
            var config = ModelConfig.Load(Path.Combine(PeftAdapterFolder.ModelFolder(baseDir), "config.json"));
            var type = parse.GetValue(dtype) is { } name ? ModelConfig.ParseDType(name, "--dtype") : config.DType;
            using var merged = ModelStore.LoadMerged(baseDir, adapterDir, DeviceSelector.Parse("cpu"), type);
            merged.Save(outputDir);
            foreach (string file in new[] { "tokenizer.json", "tokenizer_config.json" })
                if (File.Exists(Path.Combine(baseDir, file))) File.Copy(Path.Combine(baseDir, file), Path.Combine(outputDir, file), overwrite: true);
                else if (File.Exists(Path.Combine(adapterDir, file))) File.Copy(Path.Combine(adapterDir, file), Path.Combine(outputDir, file), overwrite: true);
            string templateFrom = AdapterArgument.TemplateFolder(baseDir, adapterDir);
            if (File.Exists(Path.Combine(templateFrom, CheckpointTemplate.FileName)))
                File.Copy(Path.Combine(templateFrom, CheckpointTemplate.FileName), Path.Combine(outputDir, CheckpointTemplate.FileName), overwrite: true);
            cli.Out.WriteLine($"merged {adapterDir} into {baseDir}: {outputDir}");
            return 0;
        }));
        return command;
    }
}
