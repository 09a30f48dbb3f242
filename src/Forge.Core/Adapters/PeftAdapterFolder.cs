using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Core.Adapters;

/// <summary>
/// A LoRA adapter folder as PEFT writes and reads it: <c>adapter_config.json</c> (peft_type LORA, task_type
/// CAUSAL_LM, r, lora_alpha, lora_dropout, target_modules, use_rslora, base_model_name_or_path, …) and
/// <c>adapter_model.safetensors</c> with PEFT's tensor names (no adapter name). Reading refuses what Forge cannot
/// apply (DoRA, biases, modules_to_save, per-layer patterns) with one line naming the file and key.
/// </summary>
public static class PeftAdapterFolder
{
    /// <summary>The adapter's configuration file.</summary>
    public const string ConfigFile = "adapter_config.json";

    /// <summary>The adapter's weights.</summary>
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>Whether <paramref name="directory"/> holds an adapter (and not a whole model).</summary>
    public static bool IsAdapter(string directory) =>
        File.Exists(Path.Combine(directory, ConfigFile)) && !File.Exists(Path.Combine(directory, "config.json"));

    /// <summary>Writes <paramref name="adapter"/> into <paramref name="directory"/>, naming <paramref name="baseModel"/> as its base.</summary>
    public static void Save(LoraAdapter adapter, string directory, string? baseModel)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        Directory.CreateDirectory(directory);
        var spec = adapter.Spec;
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = baseModel,
            ["r"] = spec.Rank,
            ["lora_alpha"] = spec.Alpha,
            ["lora_dropout"] = spec.Dropout,
            ["target_modules"] = new JsonArray(spec.TargetModules.Select(m => (JsonNode)m).ToArray()),
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["use_rslora"] = spec.UseRslora,
            ["use_dora"] = false,
            ["init_lora_weights"] = true,
            ["inference_mode"] = true,
            ["modules_to_save"] = null,
            ["layers_to_transform"] = null,
            ["layers_pattern"] = null,
            ["rank_pattern"] = new JsonObject(),
            ["alpha_pattern"] = new JsonObject(),
            ["revision"] = null,
        };
        CheckpointWriter.WriteAtomically(Path.Combine(directory, ConfigFile),
            stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n")));
        TensorFile.Write(Path.Combine(directory, WeightsFile), adapter.PeftNames().Select(p => (p.Name, (Tensor)p.Tensor)).ToList());
    }

    /// <summary>Reads <c>adapter_config.json</c> of <paramref name="directory"/>: the spec and the base model it names (or null).</summary>
    public static (LoraSpec Spec, string? BaseModel) ReadConfig(string directory)
    {
        string path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new ForgeDataException($"{directory}: no {ConfigFile} (not a PEFT adapter folder)");
        JsonObject raw;
        try
        {
            raw = JsonNode.Parse(Data.BoundedFile.ReadAllText(path, Data.BoundedFile.SmallJsonBytes, ConfigFile)) as JsonObject
                ?? throw new ForgeDataException($"{path}: expected a JSON object");
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{path}: invalid JSON ({Data.JsonErrors.Describe(ex)})");
        }
        string? Text(string key) => raw[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        bool Flag(string key) => raw[key] switch
        {
            null => false,
            JsonValue v when v.TryGetValue(out bool b) => b,
            _ => throw new ForgeDataException($"{path}: \"{key}\" must be true or false"),
        };
        double Number(string key, double fallback) => raw[key] switch
        {
            null => fallback,
            JsonValue v when v.TryGetValue(out double d) && double.IsFinite(d) => d,
            _ => throw new ForgeDataException($"{path}: \"{key}\" must be a number"),
        };
        bool Empty(string key) => raw[key] is null || raw[key] is JsonObject { Count: 0 } || raw[key] is JsonArray { Count: 0 };

        if (Text("peft_type") != "LORA") throw new ForgeDataException($"{path}: \"peft_type\" is {raw["peft_type"]?.ToJsonString() ?? "missing"}; only LORA adapters are supported");
        if (Text("task_type") is { } task && task != "CAUSAL_LM") throw new ForgeDataException($"{path}: \"task_type\" is \"{task}\"; Forge's models are CAUSAL_LM");
        double r = Number("r", double.NaN);
        if (double.IsNaN(r) || r != Math.Floor(r) || r < 1 || r > 4096) throw new ForgeDataException($"{path}: \"r\" must be an integer from 1 to 4096");
        double alpha = Number("lora_alpha", 8), dropout = Number("lora_dropout", 0);
        if (!(alpha > 0)) throw new ForgeDataException($"{path}: \"lora_alpha\" must be positive");
        if (dropout is < 0 or >= 1) throw new ForgeDataException($"{path}: \"lora_dropout\" must be in [0, 1)");
        if ((Text("bias") ?? "none") != "none") throw new ForgeDataException($"{path}: \"bias\" is \"{Text("bias")}\"; Forge's LoRA trains no biases (\"none\")");
        foreach (string key in new[] { "fan_in_fan_out", "use_dora", "lora_bias" })
            if (Flag(key)) throw new ForgeDataException($"{path}: \"{key}\": true is not supported");
        foreach (string key in new[] { "modules_to_save", "layers_to_transform", "layers_pattern", "rank_pattern", "alpha_pattern", "exclude_modules", "target_parameters", "trainable_token_indices" })
            if (!Empty(key)) throw new ForgeDataException($"{path}: \"{key}\" is set; Forge applies one rank and alpha to the targeted projections of every layer and nothing else");
        var targets = raw["target_modules"] switch
        {
            JsonArray list => list.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : throw new ForgeDataException($"{path}: \"target_modules\" must list module names")).ToList(),
            _ => throw new ForgeDataException($"{path}: \"target_modules\" must be a list of module names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)"),
        };
        foreach (string name in targets.Where(n => !AdapterOptions.KnownModules.Contains(n)))
            throw new ForgeDataException($"{path}: target module \"{name}\" is not one of Forge's projections (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
        if (targets.Count == 0) throw new ForgeDataException($"{path}: \"target_modules\" is empty");
        return (new LoraSpec((int)r, alpha, dropout, targets, Flag("use_rslora")), Text("base_model_name_or_path"));
    }

    /// <summary>
    /// Attaches the adapter in <paramref name="directory"/> to <paramref name="model"/>: every tensor PEFT's names call for
    /// must be there with its shape (an adapter name such as <c>.default</c> after lora_A/lora_B is accepted), and nothing else.
    /// </summary>
    public static LoraAdapter Load(string directory, DecoderModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (spec, _) = ReadConfig(directory);
        string path = Path.Combine(directory, WeightsFile);
        if (!File.Exists(path)) throw new ForgeDataException($"{directory}: no {WeightsFile}");
        var saved = TensorFile.Read(path);
        var adapter = new LoraAdapter(model, spec, initialize: false);
        try
        {
            var byName = saved.ToDictionary(p => p.Key.Replace(".lora_A.default.", ".lora_A.", StringComparison.Ordinal).Replace(".lora_B.default.", ".lora_B.", StringComparison.Ordinal),
                p => p.Value, StringComparer.Ordinal);
            using (no_grad())
            {
                foreach (var (name, parameter) in adapter.PeftNames())
                {
                    if (!byName.Remove(name, out var value))
                        throw new ForgeDataException($"{path}: missing tensor \"{name}\" (the adapter's config targets {string.Join(", ", spec.TargetModules)} of {model.Config.NumHiddenLayers} layers)");
                    if (!value.shape.SequenceEqual(parameter.shape))
                        throw new ForgeDataException($"{path}: tensor \"{name}\" has shape [{string.Join(", ", value.shape)}], the base model needs [{string.Join(", ", parameter.shape)}] (an adapter of another model?)");
                    if (!value.isfinite().all().item<bool>()) throw new ForgeDataException($"{path}: tensor \"{name}\" holds NaN or infinite values");
                    parameter.copy_(value);
                }
            }
            if (byName.Count > 0) throw new ForgeDataException($"{path}: tensor \"{byName.Keys.First()}\" matches nothing Forge's LoRA adapter has");
            return adapter;
        }
        catch
        {
            adapter.Dispose();
            throw;
        }
        finally
        {
            foreach (var tensor in saved.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// The folder whose config.json describes the model <paramref name="directory"/> loads as: itself, or for an adapter
    /// folder the (first whole) model beneath its chain of bases.
    /// </summary>
    public static string ModelFolder(string directory)
    {
        string current = directory;
        for (int depth = 0; depth < 16 && IsAdapter(current); depth++) current = ResolveBase(current, ReadConfig(current).BaseModel);
        return current;
    }

    /// <summary>
    /// The base model an adapter folder names, resolved: absolute, or relative to the adapter folder, or relative to the
    /// working directory; a name that is no folder here (a Hub id) is an error naming the key. The base may itself be an
    /// adapter folder (a stage that trained an adapter on an earlier stage's adapter output).
    /// </summary>
    public static string ResolveBase(string directory, string? baseModel)
    {
        string path = Path.Combine(directory, ConfigFile);
        if (string.IsNullOrEmpty(baseModel)) throw new ForgeDataException($"{path}: \"base_model_name_or_path\" is empty; give the base model folder (--model)");
        foreach (string candidate in new[] { Path.Combine(directory, baseModel), Path.GetFullPath(baseModel) })
            if (File.Exists(Path.Combine(candidate, "config.json")) || File.Exists(Path.Combine(candidate, ConfigFile))) return candidate;
        throw new ForgeDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: base model \"{baseModel}\" is not a model folder here; give the base model folder (--model)"));
    }
}
