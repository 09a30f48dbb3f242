using System.Diagnostics;

namespace Forge.Host.Tests.Support;

/// <summary>Runs the dotnet CLI as a plugin author would, in a child process, and fails with its output.</summary>
internal static class DotnetCli
{
    /// <summary>
    /// Runs <c>dotnet <paramref name="args"/></c> in <paramref name="workingDirectory"/> and returns what it printed;
    /// throws with that output when it exits non-zero. <paramref name="packagesFolder"/>, when given, becomes the
    /// child's NuGet global packages folder.
    /// </summary>
    public static string Run(string workingDirectory, string? packagesFolder, params string[] args)
    {
        var (exit, output) = RunTool("dotnet", args, workingDirectory, packagesFolder is null ? [] : new() { ["NUGET_PACKAGES"] = packagesFolder });
        if (exit != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} (in {workingDirectory}) exited {exit}:\n{output}");
        return output;
    }

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="args"/> as dotnet's own child would run (the test host's
    /// MSBuild variables removed, no logo or telemetry, <paramref name="environment"/> added); returns its exit code and
    /// everything it printed.
    /// </summary>
    public static (int ExitCode, string Output) RunTool(string fileName, IEnumerable<string> args, string workingDirectory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test host's MSBuild variables would point the child build at the wrong MSBuild.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
