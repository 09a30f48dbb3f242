namespace Forge.Core;

/// <summary>Marker for the engine assembly.</summary>
internal static class ForgeCore
{
}
