using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Forge.Host.Tests.Support;

/// <summary>
/// Compiles C# source into an assembly with Roslyn, so tests can make plugins that misbehave in precise ways
/// (throwing, duplicate names, private dependencies, a newer contracts version) without checked-in binaries.
/// </summary>
internal static class PluginCompiler
{
    private static readonly Lazy<MetadataReference[]> HostReferences = new(() =>
    {
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return Directory.GetFiles(framework, "*.dll")
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(IsManaged)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
    });

    /// <summary>Compiles <paramref name="source"/> to <c>&lt;folder&gt;/&lt;assemblyName&gt;.dll</c>; returns its path.</summary>
    public static string Compile(string folder, string assemblyName, string source, string? version = null,
        IEnumerable<string>? extraReferences = null, bool referenceHostContracts = true)
    {
        Directory.CreateDirectory(folder);
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(source, parse) };
        if (version is not null)
            trees.Add(CSharpSyntaxTree.ParseText($"[assembly: System.Reflection.AssemblyVersion(\"{version}\")]", parse));
        var references = HostReferences.Value
            .Where(r => referenceHostContracts || !Path.GetFileName(r.Display!).Equals("Forge.Contracts.dll", StringComparison.Ordinal))
            .Concat((extraReferences ?? []).Select(p => MetadataReference.CreateFromFile(p)));
        var compilation = CSharpCompilation.Create(assemblyName,
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        string path = Path.Combine(folder, assemblyName + ".dll");
        var result = compilation.Emit(path);
        if (!result.Success)
            throw new InvalidOperationException("test plugin did not compile:\n" +
                string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return path;
    }

    /// <summary>A reward plugin named <paramref name="name"/> whose score is <paramref name="scoreExpression"/>.</summary>
    public static string RewardSource(string name, string scoreExpression, string @namespace = "TestPlugin", string extraMembers = "", string ctorBody = "") => $$"""
        using Forge.Contracts.Plugins;
        using Forge.Contracts.Rewards;
        using Microsoft.Extensions.DependencyInjection;
        namespace {{@namespace}};
        public sealed class Reward : RewardModel
        {
            public Reward() { {{ctorBody}} }
            protected override double? Score(RewardInput input) => {{scoreExpression}};
            {{extraMembers}}
        }
        [ForgePlugin("{{name}}", PluginKind.Reward)]
        public sealed class Module : IForgePlugin
        {
            public void ConfigureServices(IServiceCollection services, PluginContext context) =>
                services.AddForgePlugin<IRewardModel, Reward>(context);
        }
        """;

    private static bool IsManaged(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
