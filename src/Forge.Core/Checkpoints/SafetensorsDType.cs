using static TorchSharp.torch;

namespace Forge.Core.Checkpoints;

/// <summary>The safetensors dtype names and their torch types and sizes.</summary>
public static class SafetensorsDType
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> Known = new()
    {
        ["F64"] = (ScalarType.Float64, 8),
        ["F32"] = (ScalarType.Float32, 4),
        ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2),
        ["I64"] = (ScalarType.Int64, 8),
        ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2),
        ["I8"] = (ScalarType.Int8, 1),
        ["U8"] = (ScalarType.Byte, 1),
        ["BOOL"] = (ScalarType.Bool, 1),
    };

    /// <summary>True for a dtype name this reader understands.</summary>
    public static bool TryParse(string name, out ScalarType type, out int size)
    {
        bool found = Known.TryGetValue(name, out var entry);
        (type, size) = entry;
        return found;
    }

    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    public static int Size(ScalarType type) => Known.First(k => k.Value.Type == type).Value.Size;

    /// <summary>The safetensors name of <paramref name="type"/>.</summary>
    public static string Name(ScalarType type) => Known.First(k => k.Value.Type == type).Key;
}
