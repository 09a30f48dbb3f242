using System.Runtime.InteropServices;
using Forge.Core.Checkpoints;
using Forge.Contracts.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>
/// What a model of a config costs before it is built: the bytes of its weights, refused with one line when they cannot
/// fit in the machine's memory (on the CPU; a GPU's own limit shows when allocating), and libtorch's allocation
/// failures turned into one line instead of its native dump.
/// </summary>
public static class ModelMemory
{
    /// <summary>The bytes of all weights of a model of <paramref name="config"/> in <paramref name="dtype"/>.</summary>
    public static long WeightBytes(ModelConfig config, ScalarType dtype)
    {
        long elements = 0;
        foreach (var (_, shape) in WeightMap.Shapes(config))
        {
            long size = 1;
            foreach (long dimension in shape) size *= dimension; // config sizes are range-checked: at most about 2^51 elements in all
            elements += size;
        }
        return elements * (dtype == ScalarType.Float32 ? 4 : 2);
    }

    /// <summary>
    /// Throws a one-line <see cref="ForgeDataException"/> naming <paramref name="source"/> when the weights of
    /// <paramref name="config"/> cannot fit in memory on <paramref name="device"/>.
    /// </summary>
    public static void Require(ModelConfig config, ScalarType dtype, Device device, string source)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type != DeviceType.CPU) return;
        long bytes = WeightBytes(config, dtype);
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > memory)
            throw new ForgeDataException(
                $"{source}: a {config.ModelType} model of this config needs {InputFile.Size(bytes)} for its weights in {ModelConfig.DTypeName(dtype)}, "
                + $"more than this machine's {InputFile.Size(memory)} of memory");
    }

    /// <summary>Builds a model with <paramref name="build"/>, turning libtorch's failure to allocate it into one line naming <paramref name="source"/>.</summary>
    public static T Allocate<T>(Func<T> build, ModelConfig config, ScalarType dtype, Device device, string source)
    {
        ArgumentNullException.ThrowIfNull(build);
        try
        {
            return build();
        }
        catch (ExternalException ex) when (IsOutOfMemory(ex.Message))
        {
            throw new ForgeDataException(
                $"{source}: not enough memory on {device} for a {config.ModelType} model of this config ({InputFile.Size(WeightBytes(config, dtype))} of weights in "
                + $"{ModelConfig.DTypeName(dtype)}): {NativeErrors.FirstLine(ex.Message)}", ex);
        }
    }

    private static bool IsOutOfMemory(string message) =>
        message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) || message.Contains("allocate", StringComparison.OrdinalIgnoreCase);
}
