using System.Text.Json;
using Forge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Checkpoints;

/// <summary>
/// Loads a Hugging Face checkpoint folder (config.json + model.safetensors or a sharded index) into a
/// <see cref="DecoderModel"/>, one tensor at a time straight into its parameter: peak memory is the model plus the
/// largest single tensor, never two copies of the model.
/// </summary>
public static class CheckpointLoader
{
    /// <summary>
    /// Loads <paramref name="directory"/> onto <paramref name="device"/> as <paramref name="dtype"/>. Every tensor's
    /// name and shape is checked against the config before anything is allocated, so a config claiming sizes its
    /// weights do not have costs nothing; a tensor holding NaN or infinite values is refused by name.
    /// </summary>
    public static DecoderModel Load(string directory, Device device, ScalarType dtype)
    {
        if (!Directory.Exists(directory)) throw new ForgeDataException($"{directory}: model folder not found");
        string configPath = Path.Combine(directory, "config.json");
        var config = ModelConfig.Load(configPath);
        var headers = WeightFiles(directory).Select(SafetensorsHeader.Read).ToList();
        CheckShapes(config, headers);
        ModelMemory.Require(config, dtype, device, configPath);
        var model = ModelMemory.Allocate(() => new DecoderModel(config, device, dtype, initialize: false), config, dtype, device, configPath);
        try
        {
            Fill(model, headers);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The safetensors files of a folder: the shards named by the index, else model.safetensors.</summary>
    public static IReadOnlyList<string> WeightFiles(string directory)
    {
        string index = Path.Combine(directory, "model.safetensors.index.json");
        if (!Path.Exists(index))
        {
            string single = Path.Combine(directory, "model.safetensors");
            if (!File.Exists(single)) throw new ForgeDataException($"{directory}: no model.safetensors or model.safetensors.index.json");
            return [single];
        }
        try
        {
            using var document = JsonDocument.Parse(Data.BoundedFile.ReadAllText(index, Data.BoundedFile.SmallJsonBytes, "safetensors index"));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new ForgeDataException($"{index}: missing \"weight_map\"");
            var shards = map.EnumerateObject().Select(p => p.Value.GetString() ?? "").Distinct().ToList();
            foreach (string shard in shards)
                if (shard.Length == 0 || shard.Contains('/') || shard.Contains('\\') || shard.Contains(".."))
                    throw new ForgeDataException($"{index}: invalid shard file name \"{shard}\"");
            return shards.Select(s => Path.Combine(directory, s)).ToList();
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{index}: invalid JSON ({Data.JsonErrors.Describe(ex)})");
        }
    }

    /// <summary>Every tensor of the headers is one the config has, of the shape it needs, and every one it needs is there.</summary>
    private static void CheckShapes(ModelConfig config, IReadOnlyList<SafetensorsHeader> headers)
    {
        var expected = WeightMap.Shapes(config).ToDictionary(s => s.Name, s => s.Shape, StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var header in headers)
        {
            foreach (var entry in header.Entries)
            {
                if (!expected.TryGetValue(entry.Name, out var shape))
                {
                    if (IsIgnored(entry.Name, config)) continue;
                    throw new ForgeDataException($"{header.Path}: unexpected tensor \"{entry.Name}\" for a {config.ModelType} model of this config");
                }
                if (!entry.Shape.SequenceEqual(shape))
                    throw new ForgeDataException($"{header.Path}: tensor \"{entry.Name}\" has shape [{string.Join(", ", entry.Shape)}], the config needs [{string.Join(", ", shape)}]");
                if (!found.Add(entry.Name)) throw new ForgeDataException($"{header.Path}: tensor \"{entry.Name}\" appears in more than one file");
            }
        }
        var missing = expected.Keys.Where(k => !found.Contains(k)).ToList();
        if (missing.Count > 0)
            throw new ForgeDataException($"{Path.GetDirectoryName(headers[0].Path)}: checkpoint lacks {missing.Count} tensor(s), first \"{missing[0]}\"");
    }

    /// <summary>
    /// Tensors a checkpoint may carry that Forge does not load: a tied model's copy of the embedding as lm_head, and
    /// old Llama checkpoints' rotary tables, which Forge computes.
    /// </summary>
    private static bool IsIgnored(string name, ModelConfig config) =>
        (name == "lm_head.weight" && config.TieWordEmbeddings) || name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal);

    private static void Fill(DecoderModel model, IReadOnlyList<SafetensorsHeader> headers)
    {
        var slots = WeightMap.Slots(model).ToDictionary(s => s.Name);
        using var noGrad = no_grad();
        foreach (var header in headers)
        {
            using var stream = Data.BoundedFile.OpenRead(header.Path, "safetensors");
            foreach (var entry in header.Entries)
            {
                if (!slots.TryGetValue(entry.Name, out var slot)) continue; // checked: one IsIgnored allows
                ReadInto(stream, header, entry, slot.Target);
                using var finite = slot.Target.isfinite().all();
                if (!finite.item<bool>())
                    throw new ForgeDataException($"{header.Path}: tensor \"{entry.Name}\" holds NaN or infinite values (as {ModelConfig.DTypeName(model.DType)})");
            }
        }
    }

    /// <summary>
    /// Reads one tensor's bytes into <paramref name="destination"/> (any device and dtype, same shape): straight into
    /// its memory when it is a contiguous CPU tensor of the stored dtype, else through one CPU staging tensor.
    /// </summary>
    public static void ReadInto(FileStream stream, SafetensorsHeader header, SafetensorsEntry entry, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(destination);
        stream.Seek(header.DataStart + entry.Begin, SeekOrigin.Begin);
        if (destination.device_type == DeviceType.CPU && destination.dtype == entry.DType && destination.is_contiguous())
        {
            ReadExactly(stream, destination, header.Path, entry.Name);
            return;
        }
        using var staging = empty(entry.Shape, entry.DType);
        ReadExactly(stream, staging, header.Path, entry.Name);
        destination.copy_(staging);
    }

    /// <summary>Reads a tensor's whole storage from the stream, in slices below the 2 GiB limit of a span.</summary>
    private static void ReadExactly(FileStream stream, Tensor target, string path, string name)
    {
        const long sliceBytes = 1L << 30;
        using var flat = target.view(-1);
        long elements = flat.NumberOfElements, perSlice = Math.Max(1, sliceBytes / flat.ElementSize);
        try
        {
            for (long start = 0; start < elements; start += perSlice)
            {
                using var slice = flat.narrow(0, start, Math.Min(perSlice, elements - start));
                stream.ReadExactly(slice.bytes);
            }
        }
        catch (EndOfStreamException)
        {
            throw new ForgeDataException($"{path}: tensor \"{name}\": file ends inside its data");
        }
    }
}
