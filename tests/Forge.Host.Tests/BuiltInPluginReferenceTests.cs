using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Forge.Host.Tests;

/// <summary>Built-in plugins are plugins like a third party's: they reach the engine only through Forge.Contracts.</summary>
public class BuiltInPluginReferenceTests
{
    public static TheoryData<string> BuiltInPlugins()
    {
        var data = new TheoryData<string>();
        foreach (string folder in Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "plugins")))
            data.Add(Path.GetFileName(folder));
        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltInPlugins))]
    public void A_built_in_plugin_references_no_Forge_assembly_but_the_contracts_and_carries_none(string plugin)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "plugins", plugin);
        using var pe = new PEReader(File.OpenRead(Path.Combine(folder, plugin + ".dll")));
        var metadata = pe.GetMetadataReader();
        var forgeReferences = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name))
            .Where(n => n.StartsWith("Forge.", StringComparison.Ordinal)).ToList();

        forgeReferences.Should().Equal("Forge.Contracts");
        Directory.GetFiles(folder, "Forge.*.dll").Select(Path.GetFileName).Should().Equal($"{plugin}.dll");
    }
}
