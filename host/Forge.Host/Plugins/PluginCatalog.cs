using System.Composition.Hosting;
using System.Reflection;
using Forge.Contracts.Plugins;
using Forge.Core;
using Forge.Core.Plugins;
using McMaster.NETCore.Plugins;

namespace Forge.Host.Plugins;

/// <summary>
/// Discovers plugins: every sub-folder of a plugin directory is one plugin, loaded from <c>&lt;folder&gt;/&lt;folder&gt;.dll</c>
/// into its own load context (McMaster.NETCore.Plugins) that shares the contracts, TorchSharp and Microsoft.Extensions.*
/// with the host; its exports are found with System.Composition.
/// </summary>
internal sealed class PluginCatalog
{
    private PluginCatalog(IReadOnlyList<PluginDescriptor> plugins) => Plugins = plugins;

    /// <summary>All discovered plugins, sorted by kind then name.</summary>
    public IReadOnlyList<PluginDescriptor> Plugins { get; }

    /// <summary>The plugins of one kind.</summary>
    public IEnumerable<PluginDescriptor> OfKind(PluginKind kind) => Plugins.Where(p => p.Kind == kind);

    /// <summary>
    /// Loads every plugin folder under <paramref name="directories"/> (a directory that does not exist is skipped), each
    /// admitted by <paramref name="trust"/> first and loaded from the folder it returns.
    /// </summary>
    public static PluginCatalog Load(IEnumerable<string> directories, PluginTrust trust)
    {
        var found = new List<PluginDescriptor>();
        foreach (string folder in PluginFolders.Under(directories))
            found.AddRange(LoadFolder(folder, trust));
        RejectDuplicates(found);
        return new PluginCatalog(found.OrderBy(p => p.Kind).ThenBy(p => p.Name, StringComparer.Ordinal).ToList());
    }

    private static IEnumerable<PluginDescriptor> LoadFolder(string folder, PluginTrust trust)
    {
        string assemblyFile = Path.GetFileName(folder) + ".dll";
        string assemblyPath = Path.Combine(folder, assemblyFile);
        if (!File.Exists(assemblyPath))
            throw new ForgeDataException($"plugin folder {folder} has no {assemblyFile} (a plugin folder holds <folder name>.dll)");
        // With the allow-list on, the verified private copy: nothing is read from the plugin folder after the check.
        string loadPath = Path.Combine(trust.Admit(folder), assemblyFile);
        ContractsVersionCheck.Ensure(loadPath, assemblyPath);

        Assembly assembly;
        List<Lazy<IForgePlugin, PluginMetadata>> exports;
        try
        {
            // Never unloadable: TorchSharp keeps thread-static scopes and native callbacks (shared/docs/plugins.md).
            var loader = PluginLoader.CreateFromAssemblyFile(loadPath, isUnloadable: false, SharedAssemblies.Types, config =>
            {
                foreach (AssemblyName name in SharedAssemblies.Names()) config.SharedAssemblies.Add(name);
            });
            assembly = loader.LoadDefaultAssembly();
            var container = new ContainerConfiguration().WithAssembly(assembly).CreateContainer();
            exports = container.GetExports<Lazy<IForgePlugin, PluginMetadata>>().ToList();
        }
        catch (Exception ex) when (ex is not ForgeDataException)
        {
            throw new ForgeDataException($"plugin {assemblyPath} failed to load: {Describe(ex)}", ex);
        }

        string version = VersionOf(assembly);
        foreach (var export in exports)
        {
            IForgePlugin module;
            try
            {
                module = export.Value;
            }
            catch (Exception ex)
            {
                throw new ForgeDataException($"plugin '{export.Metadata.Name}' ({assemblyPath}) failed while loading: {Describe(ex)}", ex);
            }
            yield return new PluginDescriptor(export.Metadata.Name, export.Metadata.Kind, export.Metadata.Description,
                version, assemblyPath, module);
        }
    }

    private static void RejectDuplicates(List<PluginDescriptor> plugins)
    {
        var duplicate = plugins.GroupBy(p => (p.Kind, p.Name)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is null) return;
        var pair = duplicate.Take(2).ToArray();
        throw new ForgeDataException(
            $"duplicate {PluginKinds.DisplayName(pair[0].Kind)} plugin name '{pair[0].Name}': exported by {pair[0].AssemblyPath} and by {pair[1].AssemblyPath}");
    }

    private static string VersionOf(Assembly assembly)
    {
        string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (informational is not null) return informational.Split('+')[0];
        return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }

    /// <summary>The innermost meaningful message: composition and reflection wrap the plugin's own exception.</summary>
    internal static string Describe(Exception ex)
    {
        while (ex is TargetInvocationException or System.Composition.Hosting.CompositionFailedException or TypeInitializationException
               && ex.InnerException is not null)
            ex = ex.InnerException;
        return ex.Message.ReplaceLineEndings(" ");
    }
}
