using System.Diagnostics;
using System.Reflection;

namespace Forge.Host.Tests.Support;

/// <summary>
/// Builds samples/Forge.Samples.RegexReward with the dotnet CLI, as its author would, once per test run, and drops
/// its output into a plugin folder of its own.
/// </summary>
internal static class SamplePluginBuild
{
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The plugin folder (…/plugins/Forge.Samples.RegexReward) holding the built sample.</summary>
    public static string Folder => Built.Value;

    public static string RepositoryRoot => typeof(SamplePluginBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ForgeRoot").Value!;

    private static string Build()
    {
        string project = Path.Combine(RepositoryRoot, "samples", "Forge.Samples.RegexReward");
        string output = Path.Combine(project, "bin", "Release", "net10.0");
        var start = new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "--nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test host's MSBuild variables would point the child build at the wrong MSBuild.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEndAsync().Result;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"sample build failed:\n{stdout}\n{stderr}");

        string folder = Path.Combine(Path.GetTempPath(), "forge-tests", "sample-plugins-" + Guid.NewGuid().ToString("N"), "Forge.Samples.RegexReward");
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(output))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }
}
