namespace Forge.Host.Tests.Support;

/// <summary>
/// Builds samples/Forge.Samples.Rloo from the packed Forge.Contracts only (a copy under the packed workspace, so that
/// its nuget.config and package folder apply and the repository's bin/obj stay untouched), once per test run, and
/// drops its output into a plugin folder of its own.
/// </summary>
internal static class RlooSampleBuild
{
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The plugin folder (…/Forge.Samples.Rloo) holding the built sample.</summary>
    public static string Folder => Built.Value;

    private static string Build()
    {
        string source = Path.Combine(SamplePluginBuild.RepositoryRoot, "samples", "Forge.Samples.Rloo");
        string project = Path.Combine(PackedContracts.NewFolder("rloo"), "Forge.Samples.Rloo");
        Directory.CreateDirectory(project);
        foreach (string file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(project, Path.GetFileName(file)));
        PackedContracts.Dotnet(project, "build", "-c", "Release", "--nologo", "-v", "q");

        string folder = Path.Combine(PackedContracts.NewFolder("rloo-plugins"), "Forge.Samples.Rloo");
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(Path.Combine(project, "bin", "Release", "net10.0")))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }
}
