using System.Diagnostics;
using Forge.Host.Tests.Support;
using Xunit.Abstractions;

namespace Forge.Host.Tests;

/// <summary>
/// README's "Writing a plugin" walkthrough, run as a reader runs it: the commands of that section's <c>sh</c> block,
/// read from README.md when the test runs (never copied here), each given as it is written to <c>bash -c</c> in the
/// repository root, in order; each must exit 0, and the last one (the grep) must print the plugin's reward column.
/// </summary>
/// <remarks>
/// No command is rewritten. What differs from a reader's shell is the environment, and only so that the walkthrough
/// starts from nothing and leaves nothing behind but what it writes into the repository (<c>artifacts/</c>):
/// <list type="bullet">
/// <item><c>HOME</c> is a fresh folder, deleted afterwards: <c>~/Acme.Rewards</c>, <c>~/forge-plugins</c>,
/// <c>~/forge-runs</c> and dotnet new's template cache (<c>~/.templateengine</c>, where <c>dotnet new install</c>
/// installs) start empty, and the machine's template list is never touched. <c>DOTNET_CLI_HOME</c> and
/// <c>NUGET_PACKAGES</c>, which would point dotnet and NuGet back at the user's own folders, are removed.</item>
/// <item>NuGet, in that home: its user-level <c>NuGet.Config</c> names the user's global packages folder (so restoring the
/// repository's projects, which <c>dotnet pack</c> and <c>dotnet build</c> do, resolves what they were built from and
/// recompiles nothing; the next build outside restores once more, quickly, as the config file's path changed) and no
/// remote source (everything but Forge's own packages is there already: these tests were built from it; dotnet new's
/// check for a newer template package says so, harmlessly). A <c>nuget.config</c> in the home itself, so for the projects under <c>~</c> only, gives them a
/// packages folder of their own, with the user's packages except Forge's as a fallback: Forge.Contracts 1.0.0 comes
/// from the fresh pack in <c>artifacts/feed</c>, never from an older pack cached under the same version.</item>
/// <item><c>OMP_NUM_THREADS=1</c> (as <see cref="ForgeChild"/>: libtorch's spinning workers on shared cores); the test
/// host's MSBuild variables are removed (they would point the builds at its MSBuild) and
/// <c>MSBUILDDISABLENODEREUSE=1</c> leaves no build node running after a command.</item>
/// </list>
/// </remarks>
[Collection(ReadmeWalkthrough.Name)]
public class ReadmeWalkthroughTests(ITestOutputHelper output)
{
    /// <summary>
    /// The longest one command may take. The whole walkthrough takes about a minute (the host build, a no-op here, and
    /// the plugin's <c>dotnet test</c> are the slow ones); a command that runs for minutes is not the one the README
    /// means, such as a <c>forge run</c> of the default pipeline.
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public void The_writing_a_plugin_commands_run_as_written_and_show_the_plugins_reward_in_the_metrics()
    {
        var commands = Commands(File.ReadAllText(Path.Combine(Repository.Root, "README.md")));
        commands.Should().HaveCountGreaterThan(3, "the section's sh block holds the walkthrough");
        using var home = new TempDirectory();
        var environment = FreshHome(home.Path);

        string last = "";
        foreach (string command in commands)
        {
            var clock = Stopwatch.StartNew();
            var (exit, printed) = Bash(command, environment);
            output.WriteLine($"$ {command}\n[exit {exit}, {clock.Elapsed.TotalSeconds:0.0} s]\n{Tail(printed)}\n");
            exit.Should().Be(0, $"README's walkthrough command\n{command}\nexits 0; it printed:\n{Tail(printed)}");
            last = printed;
        }

        var lines = last.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().NotBeEmpty("the walkthrough's last command prints the plugin's reward column of metrics.jsonl (it printed nothing)");
        lines.Should().AllSatisfy(line => line.Should().MatchRegex("""^"reward/acme-rewards/mean":\d+(\.\d+)?$"""));
    }

    /// <summary>
    /// The commands of the first <c>sh</c> block of README's "## Writing a plugin" section: one per line, a line ending
    /// in <c>\</c> continued on the next (kept as written: bash joins them); blank lines and comments skipped.
    /// </summary>
    internal static IReadOnlyList<string> Commands(string readme)
    {
        var lines = readme.ReplaceLineEndings("\n").Split('\n');
        int at = Array.IndexOf(lines, "## Writing a plugin");
        at.Should().BeGreaterThan(-1, "README.md has a section \"## Writing a plugin\"");
        for (at++; lines[at] != "```sh"; at++)
            (at + 1 < lines.Length && !lines[at + 1].StartsWith("## ", StringComparison.Ordinal)).Should().BeTrue("the section has a ```sh block");
        var commands = new List<string>();
        string? pending = null;
        for (at++; lines[at] != "```"; at++)
        {
            string line = lines[at];
            if (pending is null && (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))) continue;
            pending = pending is null ? line : pending + "\n" + line;
            if (!line.EndsWith('\\'))
            {
                commands.Add(pending);
                pending = null;
            }
        }
        pending.Should().BeNull("the block's last command is complete");
        return commands;
    }

    /// <summary>The commands' environment: this process's, with <paramref name="home"/> as a fresh home (see the remarks above).</summary>
    private static Dictionary<string, string> FreshHome(string home)
    {
        string global = PackedContracts.GlobalPackagesFolder();
        string userConfig = Path.Combine(home, ".nuget", "NuGet", "NuGet.Config");
        Directory.CreateDirectory(Path.GetDirectoryName(userConfig)!);
        File.WriteAllText(userConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{global}" />
              </config>
            </configuration>
            """);
        string fallback = Path.Combine(home, ".nuget", "fallback");
        PackedContracts.CreateFallbackFolder(fallback, global);
        File.WriteAllText(Path.Combine(home, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(home, ".nuget", "packages")}" />
              </config>
              <fallbackPackageFolders>
                <clear />
                <add key="user-packages-but-forge" value="{fallback}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        var environment = new Dictionary<string, string>();
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        foreach (string key in environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                     || k is "DOTNET_CLI_HOME" or "NUGET_PACKAGES" or "OLDPWD").ToList())
            environment.Remove(key);
        environment["HOME"] = home;
        environment["PWD"] = Repository.Root;
        environment["OMP_NUM_THREADS"] = "1";
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return environment;
    }

    /// <summary>Runs <c>bash -c <paramref name="command"/></c> in the repository root; returns its exit code and what it printed (stdout, then stderr).</summary>
    private static (int Exit, string Printed) Bash(string command, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment.Clear();
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        bool ended = process.WaitForExit(Patience);
        if (!ended) process.Kill(entireProcessTree: true);
        process.WaitForExit(TimeSpan.FromSeconds(30));
        // A server the command started (the compiler's) may hold its output open: wait for the end of it, but not long.
        string printed = Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(30))
            ? stdout.Result + stderr.Result
            : "(its output was left open by a process it started)";
        if (!ended)
            throw new TimeoutException($"README's walkthrough command\n{command}\ndid not end within {Patience.TotalMinutes} minutes (the whole walkthrough takes about one); it printed:\n{Tail(printed)}");
        return (process.ExitCode, printed);
    }

    private static string Tail(string printed) => printed.Length <= 6000 ? printed : "…" + printed[^6000..];
}

/// <summary>
/// The README walkthrough restores and builds projects of the repository (Forge.Contracts, the host) that other tests'
/// builds touch too (<see cref="SamplePluginBuild"/>); two builds of one project at once would race over its folders.
/// It runs when no other test does.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReadmeWalkthrough
{
    public const string Name = "readme walkthrough";
}
