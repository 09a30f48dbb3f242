namespace Forge.Host.Tests.Support;

/// <summary>
/// Forge.Contracts, Forge.Testing and Forge.Templates packed with <c>dotnet pack</c> into local folder feeds, once per test run, and
/// a workspace whose nuget.config restores from that feed only. Projects restored there use a package folder of their
/// own: the user's global folder may hold an older Forge.Contracts of the same version, which NuGet would use instead of the fresh
/// pack. Every other package comes from the user's global folder, offered as a fallback folder without Forge's packages.
/// </summary>
internal static class PackedContracts
{
    private static readonly Lazy<string> Workspace = new(CreateWorkspace, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> Hive = new(InstallTemplates, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A folder whose nuget.config restores Forge.Contracts from the fresh pack; build projects below it.</summary>
    public static string Root => Workspace.Value;

    /// <summary>The local feed holding the freshly packed Forge.Contracts package.</summary>
    public static string Feed => Path.Combine(Root, "feed");

    /// <summary>The global packages folder that projects under <see cref="Root"/> must restore into (NUGET_PACKAGES).</summary>
    public static string PackagesFolder => Path.Combine(Root, "packages");

    /// <summary>
    /// A dotnet new settings folder (pass it as <c>--debug:custom-hive</c>) where the freshly packed Forge.Templates is
    /// installed, so the user's own template cache is never touched.
    /// </summary>
    public static string TemplateHive => Hive.Value;

    /// <summary>Runs dotnet in <paramref name="workingDirectory"/> (below <see cref="Root"/>) with the workspace's package folder.</summary>
    public static string Dotnet(string workingDirectory, params string[] args) => DotnetCli.Run(workingDirectory, PackagesFolder, args);

    /// <summary>A new empty folder below <see cref="Root"/>.</summary>
    public static string NewFolder(string name)
    {
        string folder = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string RepositoryRoot => SamplePluginBuild.RepositoryRoot;

    private static string CreateWorkspace()
    {
        string root = Path.Combine(Path.GetTempPath(), "forge-tests", "packed-" + Guid.NewGuid().ToString("N"));
        string feed = Path.Combine(root, "feed"), fallback = Path.Combine(root, "fallback");
        Directory.CreateDirectory(Path.Combine(root, "packages"));
        // Recursive deletion removes the fallback folder's links, never what they point to.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        Pack(Path.Combine(RepositoryRoot, "contracts", "Forge.Contracts", "Forge.Contracts.csproj"), feed, Path.Combine(root, "artifacts"));
        Pack(Path.Combine(RepositoryRoot, "src", "Forge.Testing", "Forge.Testing.csproj"), feed, Path.Combine(root, "artifacts"));
        CreateFallbackFolder(fallback);
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="forge-packed" value="{feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
                <add key="user-packages" value="{fallback}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        return root;
    }

    private static string InstallTemplates()
    {
        string feed = Path.Combine(Root, "template-feed"), hive = Path.Combine(Root, "template-hive");
        Pack(Path.Combine(RepositoryRoot, "templates", "Forge.Templates.csproj"), feed, Path.Combine(Root, "template-artifacts"));
        string package = Directory.GetFiles(feed, "Forge.Templates.*.nupkg").Single();
        DotnetCli.Run(Root, null, "new", "install", package, "--debug:custom-hive", hive);
        return hive;
    }

    // A separate artifacts path keeps the child build away from the solution's own outputs.
    private static void Pack(string project, string output, string artifacts) =>
        DotnetCli.Run(RepositoryRoot, null, "pack", project, "-c", "Release", "-o", output, $"-p:ArtifactsPath={artifacts}/", "--nologo", "-v", "q");

    /// <summary>The user's NuGet global packages folder, as NuGet spells it (<c>/root/.nuget/packages/</c>).</summary>
    internal static string GlobalPackagesFolder()
    {
        const string Prefix = "global-packages:"; // the line "global-packages: /root/.nuget/packages/"
        return DotnetCli.Run(RepositoryRoot, null, "nuget", "locals", "global-packages", "--list")
            .Split('\n').Single(line => line.StartsWith(Prefix, StringComparison.Ordinal))[Prefix.Length..].Trim();
    }

    /// <summary>Links every package of the user's global folder except Forge's own into <paramref name="fallback"/>.</summary>
    internal static void CreateFallbackFolder(string fallback, string? global = null)
    {
        Directory.CreateDirectory(fallback);
        global ??= GlobalPackagesFolder();
        foreach (string package in Directory.GetDirectories(global))
        {
            string id = Path.GetFileName(package);
            if (!id.StartsWith("forge.", StringComparison.Ordinal))
                Directory.CreateSymbolicLink(Path.Combine(fallback, id), package);
        }
    }
}
