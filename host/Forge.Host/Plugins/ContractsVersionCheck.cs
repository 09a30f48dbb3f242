using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Forge.Contracts.Plugins;
using Forge.Core;

namespace Forge.Host.Plugins;

/// <summary>
/// Refuses a plugin compiled against a newer major version of Forge.Contracts. Reads the assembly's metadata only,
/// before anything is loaded, so an incompatible plugin cannot fail later with a confusing type error.
/// </summary>
internal static class ContractsVersionCheck
{
    /// <param name="assemblyPath">The file to read (the verified private copy when the allow-list is on).</param>
    /// <param name="shownPath">The path errors name: the plugin's own file.</param>
    public static void Ensure(string assemblyPath, string shownPath)
    {
        Version? referenced = ReferencedContractsVersion(assemblyPath, shownPath);
        if (referenced is not null && referenced.Major > ContractsVersion.Major)
            throw new ForgeDataException(
                $"plugin {Path.GetFileName(shownPath)} was built against Forge.Contracts {referenced.ToString(2)}, " +
                $"but this host has Forge.Contracts {ContractsVersion.Current.ToString(2)}; rebuild the plugin against {ContractsVersion.Major}.x or update Forge");
    }

    private static Version? ReferencedContractsVersion(string assemblyPath, string shownPath)
    {
        try
        {
            using var stream = Core.Data.BoundedFile.OpenRead(assemblyPath, "plugin assembly");
            using var pe = new PEReader(stream);
            MetadataReader metadata = pe.GetMetadataReader();
            foreach (AssemblyReferenceHandle handle in metadata.AssemblyReferences)
            {
                AssemblyReference reference = metadata.GetAssemblyReference(handle);
                if (metadata.StringComparer.Equals(reference.Name, "Forge.Contracts"))
                    return reference.Version;
            }
            return null;
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidOperationException)
        {
            throw new ForgeDataException($"plugin {shownPath} is not a .NET assembly: {ex.Message}", ex);
        }
    }
}
