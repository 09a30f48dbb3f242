using static TorchSharp.torch;

namespace Forge.Core.Checkpoints;

/// <summary>One tensor's place in a safetensors file: byte range relative to the end of the header.</summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, int ElementSize, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements.</summary>
    public long Elements => Shape.Aggregate(1L, (a, b) => a * b);
}
