namespace Forge.Core.Adapters;

/// <summary>The kinds of adapter a stage can train.</summary>
public enum AdapterKind
{
    /// <summary>LoRA: a low-rank update B·A beside each targeted projection (PEFT's format).</summary>
    Lora,
}
