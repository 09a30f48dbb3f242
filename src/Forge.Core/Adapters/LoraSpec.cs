namespace Forge.Core.Adapters;

/// <summary>
/// The shape of a LoRA adapter, whether configured (<see cref="AdapterOptions"/>) or read from a PEFT
/// <c>adapter_config.json</c>: rank r, α, dropout, the targeted projections and the scaling rule.
/// </summary>
public sealed record LoraSpec(int Rank, double Alpha, double Dropout, IReadOnlyList<string> TargetModules, bool UseRslora)
{
    /// <summary>The update's scale: α/r, or α/√r for rank-stabilised LoRA.</summary>
    public double Scaling => UseRslora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <summary>The spec a stage's <c>Adapter</c> section describes.</summary>
    public static LoraSpec From(AdapterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LoraSpec(options.Rank, options.Alpha, options.Dropout, options.TargetModules.ToList(), options.UseRslora);
    }
}
