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
        var start = new ProcessStartInfo("dotnet", args)
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
        if (packagesFolder is not null) start.Environment["NUGET_PACKAGES"] = packagesFolder;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        string output = stdout.Result + stderr;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} (in {workingDirectory}) exited {process.ExitCode}:\n{output}");
        return output;
    }
}
