using System.Text;
using System.Text.Json;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using Forge.Core.Tests.Models;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Checkpoints;

public class CheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "forge-ckpt-" + Guid.NewGuid().ToString("N"));

    public CheckpointTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("qwen2", 0L)]
    [InlineData("llama", 40_000L)]
    public void Save_then_load_round_trips_every_weight(string arch, long shardBytes)
    {
        using var model = ModelFixtures.Load(arch);
        string target = Path.Combine(_dir, arch);
        CheckpointWriter.Save(model, target, shardBytes == 0 ? CheckpointWriter.DefaultShardBytes : shardBytes);
        if (shardBytes > 0) File.Exists(Path.Combine(target, "model.safetensors.index.json")).Should().BeTrue();

        using var reloaded = CheckpointLoader.Load(target, CPU, ScalarType.Float32);
        var a = model.parameters().ToList();
        var b = reloaded.parameters().ToList();
        for (int i = 0; i < a.Count; i++) a[i].allclose(b[i], rtol: 0, atol: 0).Should().BeTrue();
        // The config keeps keys Forge does not model, and the tensor names are Hugging Face's.
        File.ReadAllText(Path.Combine(target, "config.json")).Should().Contain("\"architectures\"");
        var names = CheckpointLoader.WeightFiles(target).SelectMany(f => SafetensorsHeader.Read(f).Entries).Select(e => e.Name).ToList();
        names.Should().Contain("model.layers.1.self_attn.k_proj.weight").And.Contain("model.norm.weight");
    }

    [Fact]
    public void Bfloat16_load_converts_and_saves_in_bfloat16()
    {
        using var model = ModelFixtures.Load("qwen2", ScalarType.BFloat16);
        model.DType.Should().Be(ScalarType.BFloat16);
        CheckpointWriter.Save(model, _dir);
        SafetensorsHeader.Read(Path.Combine(_dir, "model.safetensors")).Entries.Should().AllSatisfy(e => e.DType.Should().Be(ScalarType.BFloat16));
        JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "config.json"))).RootElement.GetProperty("dtype").GetString().Should().Be("bfloat16");
    }

    private string Malformed(Action<List<byte>> mutate, string? headerJson = null)
    {
        var bytes = new List<byte>();
        string header = headerJson ?? """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        bytes.AddRange(BitConverter.GetBytes((ulong)Encoding.UTF8.GetByteCount(header)));
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        bytes.AddRange(new byte[8]);
        mutate(bytes);
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    public static TheoryData<string, string, string> BadHeaders => new()
    {
        { "unknown dtype", """{"a":{"dtype":"F8_E9","shape":[2],"data_offsets":[0,8]}}""", "unknown dtype \"F8_E9\"" },
        { "shape vs bytes", """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "needs 12 bytes but data_offsets span 8" },
        { "out of range", """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", "run past the data" },
        { "overlap", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "overlaps" },
        { "negative offset", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}""", "invalid data_offsets" },
        { "hole", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "unaccounted bytes" },
        { "not json", """{"a":""", "not valid JSON" },
        { "negative dim", """{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", "invalid shape dimension" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void Malformed_headers_are_one_clear_line(string _, string header, string message)
    {
        string path = Malformed(b => { }, header);
        var act = () => SafetensorsHeader.Read(path);
        act.Should().Throw<ForgeDataException>().Which.Message.Should().Contain(path).And.Contain(message).And.NotContain("\n");
    }

    [Fact]
    public void Truncated_and_absurd_lengths_are_refused()
    {
        string shortFile = Malformed(b => b.RemoveRange(4, b.Count - 4));
        ((Action)(() => SafetensorsHeader.Read(shortFile))).Should().Throw<ForgeDataException>().WithMessage("*truncated*");
        string beyond = Malformed(b => { });
        var bytes = File.ReadAllBytes(beyond);
        BitConverter.GetBytes(10_000UL).CopyTo(bytes, 0);
        File.WriteAllBytes(beyond, bytes);
        ((Action)(() => SafetensorsHeader.Read(beyond))).Should().Throw<ForgeDataException>().WithMessage("*runs past the end*");
        BitConverter.GetBytes(ulong.MaxValue).CopyTo(bytes, 0);
        File.WriteAllBytes(beyond, bytes);
        ((Action)(() => SafetensorsHeader.Read(beyond))).Should().Throw<ForgeDataException>().WithMessage("*absurd*");
    }

    [Fact]
    public void A_checkpoint_with_a_wrong_shape_or_missing_tensor_names_it()
    {
        string source = Path.Combine(ModelFixtures.Root, "qwen2");
        string target = Path.Combine(_dir, "bad");
        Directory.CreateDirectory(target);
        var config = File.ReadAllText(Path.Combine(source, "config.json")).Replace("\"intermediate_size\": 128", "\"intermediate_size\": 96");
        File.WriteAllText(Path.Combine(target, "config.json"), config);
        File.Copy(Path.Combine(source, "model.safetensors"), Path.Combine(target, "model.safetensors"));
        var act = () => CheckpointLoader.Load(target, CPU, ScalarType.Float32);
        act.Should().Throw<ForgeDataException>().WithMessage("*model.safetensors: tensor \"model.layers.0.mlp.*\" has shape [*], the config needs [*96*]");
    }

    public static TheoryData<string, string> BadConfigs => new()
    {
        { "\"hidden_size\": 64", "\"hidden_size\": -64" },
        { "\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3" },
        { "\"model_type\": \"qwen2\"", "\"model_type\": \"gpt9\"" },
        { "\"vocab_size\": 400", "\"vocab_size\": \"many\"" },
        { "\"num_hidden_layers\": 2,", "" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Config_with_missing_keys_or_absurd_values_is_refused(string from, string to)
    {
        string path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(ModelFixtures.Root, "qwen2", "config.json")).Replace(from, to));
        var act = () => ModelConfig.Load(path);
        act.Should().Throw<ForgeDataException>().Which.Message.Should().StartWith(path + ": ");
    }
}

public class CheckpointTensorNameTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "forge-names-" + Guid.NewGuid().ToString("N"));

    public CheckpointTensorNameTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Re-writes the llama fixture's tensors after <paramref name="edit"/> (name → tensor) into a new folder.</summary>
    private string Rewrite(Action<Dictionary<string, Tensor>> edit)
    {
        string source = Path.Combine(ModelFixtures.Root, "llama");
        using var model = ModelFixtures.Load("llama");
        var tensors = WeightMap.Slots(model).ToDictionary(s => s.Name, s => s.Target.contiguous());
        edit(tensors);
        long offset = 0;
        var entries = new List<SafetensorsEntry>();
        foreach (var (name, t) in tensors)
        {
            long bytes = t.NumberOfElements * 4;
            entries.Add(new SafetensorsEntry(name, ScalarType.Float32, 4, t.shape, offset, offset + bytes));
            offset += bytes;
        }
        string target = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(target, "config.json"));
        using var stream = File.Create(Path.Combine(target, "model.safetensors"));
        byte[] encoded = SafetensorsHeader.Encode(entries);
        stream.Write(BitConverter.GetBytes((ulong)encoded.Length));
        stream.Write(encoded);
        foreach (var t in tensors.Values) stream.Write(t.bytes);
        return target;
    }

    [Fact]
    public void An_unexpected_tensor_is_named()
    {
        string dir = Rewrite(t => t["model.layers.7.self_attn.q_proj.weight"] = zeros(2, 2));
        var act = () => CheckpointLoader.Load(dir, CPU, ScalarType.Float32);
        act.Should().Throw<ForgeDataException>().WithMessage("*model.safetensors: unexpected tensor \"model.layers.7.self_attn.q_proj.weight\"*");
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        string dir = Rewrite(t => t.Remove("model.layers.1.mlp.up_proj.weight"));
        var act = () => CheckpointLoader.Load(dir, CPU, ScalarType.Float32);
        act.Should().Throw<ForgeDataException>().WithMessage("*checkpoint lacks 1 tensor(s), first \"model.layers.1.mlp.up_proj.weight\"");
    }

    [Fact]
    public void Rotary_tables_of_old_checkpoints_are_ignored_and_float32_loads_as_bfloat16()
    {
        string dir = Rewrite(t => t["model.layers.0.self_attn.rotary_emb.inv_freq"] = ones(4));
        using var reference = ModelFixtures.Load("llama");
        using var model = CheckpointLoader.Load(dir, CPU, ScalarType.BFloat16);
        model.parameters().Should().AllSatisfy(p => p.dtype.Should().Be(ScalarType.BFloat16));
        var a = reference.parameters().ToList();
        var b = model.parameters().ToList();
        for (int i = 0; i < a.Count; i++) a[i].to(ScalarType.BFloat16).allclose(b[i], rtol: 0, atol: 0).Should().BeTrue();
    }

    [Fact]
    public void A_tensor_described_twice_is_refused()
    {
        string path = Path.Combine(_dir, "twice.safetensors");
        string header = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""";
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. Encoding.UTF8.GetBytes(header), .. new byte[8]]);
        var act = () => SafetensorsHeader.Read(path);
        act.Should().Throw<ForgeDataException>().WithMessage($"{path}: tensor \"a\" is described twice");
    }

    [Fact]
    public void A_shard_name_leaving_the_folder_is_refused()
    {
        File.WriteAllText(Path.Combine(_dir, "model.safetensors.index.json"), """{"weight_map": {"model.norm.weight": "../x.safetensors"}}""");
        var act = () => CheckpointLoader.WeightFiles(_dir);
        act.Should().Throw<ForgeDataException>().WithMessage("*invalid shard file name \"../x.safetensors\"");
    }
}
