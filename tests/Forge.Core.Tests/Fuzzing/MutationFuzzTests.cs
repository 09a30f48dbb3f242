using System.Text;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using Forge.Core.Tokenizers;

namespace Forge.Core.Tests.Fuzzing;

/// <summary>
/// Seeded mutation fuzzing of the readers that take user files: every mutated input must either load or fail with a
/// one-line <see cref="ForgeDataException"/> — never another exception, a hang or unbounded memory.
/// </summary>
public class MutationFuzzTests : IDisposable
{
    private const string JsonCharacters = "{}[]\",:0123456789-eE.ntfal\\u";

    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "forge-fuzz-" + Guid.NewGuid().ToString("N"));

    public MutationFuzzTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Flips, inserts, deletes or duplicates bytes, or truncates; biased towards the first <paramref name="hot"/> bytes.</summary>
    internal static byte[] Mutate(byte[] input, Random random, int hot)
    {
        var bytes = new List<byte>(input);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(2) == 0 ? random.Next(Math.Min(hot, bytes.Count)) : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.Insert(at, (byte)JsonCharacters[random.Next(JsonCharacters.Length)]); break;
                case 3: bytes.RemoveAt(at); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break;
                default: bytes.InsertRange(at, bytes.Skip(random.Next(bytes.Count)).Take(random.Next(16)).ToList()); break;
            }
        }
        return bytes.ToArray();
    }

    private static void Expect(Action load, byte[] input, string what)
    {
        try
        {
            load();
        }
        catch (ForgeDataException ex)
        {
            ex.Message.Should().NotContain("\n", what);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{what}: {ex.GetType().Name}: {ex.Message} (input of {input.Length} bytes: {Convert.ToBase64String(input.Take(300).ToArray())})", ex);
        }
    }

    [Fact]
    public void Safetensors_headers_survive_10000_mutations()
    {
        var original = File.ReadAllBytes(Path.Combine(Data, "models", "qwen2", "model.safetensors"));
        int hot = 8 + (int)BitConverter.ToUInt64(original, 0);
        var random = new Random(1234);
        string path = Path.Combine(_dir, "model.safetensors");
        for (int i = 0; i < 10_000; i++)
        {
            var mutated = Mutate(original, random, hot);
            File.WriteAllBytes(path, mutated);
            Expect(() => SafetensorsHeader.Read(path), mutated, $"safetensors mutation {i}");
        }
    }

    [Fact]
    public void Whole_checkpoints_survive_300_mutations_of_weights_and_config()
    {
        string source = Path.Combine(Data, "models", "qwen2");
        var weights = File.ReadAllBytes(Path.Combine(source, "model.safetensors"));
        var config = File.ReadAllBytes(Path.Combine(source, "config.json"));
        int hot = 8 + (int)BitConverter.ToUInt64(weights, 0);
        var random = new Random(99);
        for (int i = 0; i < 300; i++)
        {
            bool mutateConfig = i % 2 == 0;
            File.WriteAllBytes(Path.Combine(_dir, "model.safetensors"), mutateConfig ? weights : Mutate(weights, random, hot));
            var configBytes = mutateConfig ? Mutate(config, random, config.Length) : config;
            File.WriteAllBytes(Path.Combine(_dir, "config.json"), configBytes);
            Expect(() => CheckpointLoader.Load(_dir, TorchSharp.torch.CPU, TorchSharp.torch.ScalarType.Float32).Dispose(), configBytes, $"checkpoint mutation {i}");
        }
    }

    [Fact]
    public void Config_json_survives_10000_mutations()
    {
        var original = File.ReadAllBytes(Path.Combine(Data, "models", "llama", "config.json"));
        var random = new Random(7);
        string path = Path.Combine(_dir, "config.json");
        for (int i = 0; i < 10_000; i++)
        {
            var mutated = Mutate(original, random, original.Length);
            File.WriteAllBytes(path, mutated);
            Expect(() => ModelConfig.Load(path), mutated, $"config mutation {i}");
        }
    }

    [Fact]
    public void Tokenizer_json_survives_2000_mutations()
    {
        var original = File.ReadAllBytes(Path.Combine(Data, "tokenizers", "fixture", "tokenizer.json"));
        var random = new Random(11);
        string path = Path.Combine(_dir, "tokenizer.json");
        for (int i = 0; i < 2_000; i++)
        {
            var mutated = Mutate(original, random, original.Length);
            File.WriteAllBytes(path, mutated);
            Expect(() =>
            {
                var tokenizer = TokenizerLoader.Load(path);
                tokenizer.Decode(tokenizer.Encode("What is 12+7? <|im_start|>héllo"));
            }, mutated, $"tokenizer mutation {i}");
        }
    }
}
