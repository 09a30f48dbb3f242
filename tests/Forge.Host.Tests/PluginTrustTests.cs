using System.Text.Json;
using Forge.Host.Plugins;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// The plugin allow-list (<c>Forge:AllowedPluginSha256</c>) fails closed: a single value, an empty value or a
/// misspelled key stops the host before any plugin code runs; every file a plugin folder holds must be listed, whatever
/// its name; the plugin loads from the bytes that were hashed; and the run log says whether the list is on. Test plugins
/// write a marker file from their module initializer, so "no plugin code ran" is observable.
/// </summary>
public class PluginTrustTests : IDisposable
{
    private static readonly string BuiltInPlugins = Path.Combine(AppContext.BaseDirectory, "plugins");
    private static readonly Lazy<string[]> BuiltInHashes = new(() =>
        PluginFolders.Under([BuiltInPlugins]).SelectMany(PluginFiles.Of).Select(PluginFiles.Sha256Of).ToArray());

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Plugins => _dir.Combine("p");

    private string Marker(string name) => _dir.Combine($"{name}.ran");

    /// <summary>A reward plugin <c>p/&lt;name&gt;/&lt;name&gt;.dll</c> whose module initializer writes <see cref="Marker"/>.</summary>
    private string MarkedPlugin(string name, string? folder = null, string? marker = null) =>
        PluginCompiler.Compile(folder ?? _dir.Combine("p", name), name, PluginCompiler.RewardSource(name.ToLowerInvariant(), "1.0", name,
            extraMembers: $$"""[System.Runtime.CompilerServices.ModuleInitializer] internal static void Mark() => System.IO.File.WriteAllText(@"{{marker ?? Marker(name)}}", "ran");"""));

    /// <summary>A --config file whose allow-list is the built-in plugins' files and <paramref name="files"/>.</summary>
    private string AllowList(params string[] files) => _dir.Write($"allow-{Guid.NewGuid():N}.json", JsonSerializer.Serialize(new
    {
        Forge = new { AllowedPluginSha256 = BuiltInHashes.Value.Concat(files.Select(PluginFiles.Sha256Of)) },
    }));

    private static void ShouldFailWithOneLine(ForgeProcess.Result result, params string[] fragments)
    {
        result.ExitCode.Should().Be(2, result.Error);
        string[] lines = result.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().ContainSingle($"exactly one line is expected, got:\n{result.Error}").Which.Should().StartWith("error: ");
        foreach (string fragment in fragments) lines[0].Should().Contain(fragment);
    }

    [Fact]
    public void The_marker_shows_that_a_loaded_plugin_runs_its_module_initializer()
    {
        MarkedPlugin("Marked");
        var result = ForgeProcess.Run("plugins", "--plugins", Plugins);
        result.ExitCode.Should().Be(0, result.Error);
        File.Exists(Marker("Marked")).Should().BeTrue("without an allow-list the plugin loads, so the refusals below are what keep it from running");
    }

    public static TheoryData<string, string> MistakesThroughSet => new()
    {
        { "Forge:AllowedPluginSha256={0}", "Forge:AllowedPluginSha256: expected a list" },
        { "Forge:AllowedPluginSha265:0={0}", "Forge:AllowedPluginSha265: unknown key; did you mean AllowedPluginSha256?" },
        { "Forge:AllowedPluginSha256=", "Forge:AllowedPluginSha256: empty value" },
        { "Forge:AllowedPluginSha256:0=sha256:{0}", "Forge:AllowedPluginSha256:0: 'sha256:" },
    };

    [Theory]
    [MemberData(nameof(MistakesThroughSet))]
    public void An_allow_list_mistake_through_set_stops_the_host_before_plugin_code_runs(string assignment, string expected)
    {
        string dll = MarkedPlugin("Marked");
        var result = ForgeProcess.Run("plugins", "--plugins", Plugins, "--set", string.Format(assignment, PluginFiles.Sha256Of(dll)));
        ShouldFailWithOneLine(result, expected);
        File.Exists(Marker("Marked")).Should().BeFalse("no plugin code may run when the allow-list is misconfigured");
    }

    public static TheoryData<string, string, string> MistakesThroughTheEnvironment => new()
    {
        { "FORGE_Forge__AllowedPluginSha256", "{0}", "Forge:AllowedPluginSha256: expected a list" },
        { "FORGE_Forge__AllowedPluginSha265__0", "{0}", "Forge:AllowedPluginSha265: unknown key" },
        { "FORGE_Forge__AllowedPluginSha256", "", "Forge:AllowedPluginSha256: empty value" },
    };

    [Theory]
    [MemberData(nameof(MistakesThroughTheEnvironment))]
    public void An_allow_list_mistake_through_the_environment_stops_the_host_before_plugin_code_runs(string variable, string value, string expected)
    {
        string dll = MarkedPlugin("Marked");
        var result = ForgeChild.Run(new Dictionary<string, string> { [variable] = string.Format(value, PluginFiles.Sha256Of(dll)) },
            "plugins", "--plugins", Plugins);
        ShouldFailWithOneLine(result, expected);
        File.Exists(Marker("Marked")).Should().BeFalse("no plugin code may run when the allow-list is misconfigured");
    }

    [Fact]
    public void Every_file_in_a_plugin_folder_must_be_listed_whatever_its_name()
    {
        string dll = MarkedPlugin("Noted");
        string notes = _dir.Write("p/Noted/sub/.notes", "not an assembly, but in the folder all the same");

        var refused = ForgeProcess.Run("plugins", "--plugins", Plugins, "--config", AllowList(dll));
        ShouldFailWithOneLine(refused, $"plugin file {notes} (sha256 {PluginFiles.Sha256Of(notes)}) is not in the allow-list Forge:AllowedPluginSha256");
        File.Exists(Marker("Noted")).Should().BeFalse();

        var accepted = ForgeProcess.Run("plugins", "--plugins", Plugins, "--config", AllowList(dll, notes));
        accepted.ExitCode.Should().Be(0, accepted.Error);
        accepted.Out.Should().Contain("noted");
        File.Exists(Marker("Noted")).Should().BeTrue();
    }

    [Fact]
    public void A_deps_json_cannot_point_a_dependency_at_a_file_the_list_does_not_cover()
    {
        // Carrier.dll is what a list of assemblies would vouch for; its .deps.json makes "Payload" load from payload.txt.
        string payloadBuild = PluginCompiler.Compile(_dir.Combine("payload-build"), "Payload", $$"""
            namespace Payload;
            public static class Hook
            {
                [System.Runtime.CompilerServices.ModuleInitializer]
                internal static void Mark() => System.IO.File.WriteAllText(@"{{Marker("Payload")}}", "ran");
                public static void Touch() { }
            }
            """);
        string folder = _dir.Combine("p", "Carrier");
        string carrier = PluginCompiler.Compile(folder, "Carrier", """
            using Forge.Contracts.Plugins;
            using Microsoft.Extensions.DependencyInjection;
            namespace Carrier;
            [ForgePlugin("carrier", PluginKind.Reward)]
            public sealed class Module : IForgePlugin
            {
                public Module() => Payload.Hook.Touch();
                public void ConfigureServices(IServiceCollection services, PluginContext context) { }
            }
            """, extraReferences: [payloadBuild]);
        string payload = Path.Combine(folder, "payload.txt");
        File.Copy(payloadBuild, payload);
        string deps = _dir.Write("p/Carrier/Carrier.deps.json", """
            {
              "runtimeTarget": { "name": ".NETCoreApp,Version=v10.0", "signature": "" },
              "targets": {
                ".NETCoreApp,Version=v10.0": {
                  "Carrier/1.0.0": { "dependencies": { "Payload": "1.0.0" }, "runtime": { "Carrier.dll": {} } },
                  "Payload/1.0.0": { "runtime": { "payload.txt": {} } }
                }
              },
              "libraries": {
                "Carrier/1.0.0": { "type": "project", "serviceable": false, "sha512": "" },
                "Payload/1.0.0": { "type": "project", "serviceable": false, "sha512": "" }
              }
            }
            """);

        var onlyTheAssembly = ForgeProcess.Run("plugins", "--plugins", Plugins, "--config", AllowList(carrier));
        ShouldFailWithOneLine(onlyTheAssembly, $"plugin file {deps} ", "is not in the allow-list");
        var notThePayload = ForgeProcess.Run("plugins", "--plugins", Plugins, "--config", AllowList(carrier, deps));
        ShouldFailWithOneLine(notThePayload, $"plugin file {payload} ", "is not in the allow-list");
        File.Exists(Marker("Payload")).Should().BeFalse("the payload's code must not run while it is not listed");

        // Listed, it is loaded through the .deps.json (from the private copy): the route the list has to cover is real.
        var everything = ForgeProcess.Run("plugins", "--plugins", Plugins, "--config", AllowList(carrier, deps, payload));
        everything.ExitCode.Should().Be(0, everything.Error);
        File.Exists(Marker("Payload")).Should().BeTrue();
    }

    [Fact]
    public void A_file_swapped_after_verification_does_not_run_the_verified_bytes_do()
    {
        string verified = MarkedPlugin("Swapped", marker: Marker("verified"));
        string impostor = MarkedPlugin("Swapped", folder: _dir.Combine("impostor"), marker: Marker("impostor"));
        var listed = PluginFiles.Of(Path.GetDirectoryName(verified)!).Select(PluginFiles.Sha256Of).ToList();
        string? swappedIn = null;
        using var trust = new PluginTrust(listed, afterVerification: folder =>
        {
            // The race, made deterministic: the file on disk changes between the check and the load.
            File.Copy(impostor, Path.Combine(folder, "Swapped.dll"), overwrite: true);
            swappedIn = PluginFiles.Sha256Of(Path.Combine(folder, "Swapped.dll"));
        });

        var catalog = PluginCatalog.Load([Plugins], trust);

        swappedIn.Should().Be(PluginFiles.Sha256Of(impostor), "the impostor was on disk when the plugin loaded");
        listed.Should().NotContain(swappedIn);
        catalog.Plugins.Should().ContainSingle().Which.AssemblyPath.Should().Be(verified, "errors and listings name the plugin's own file");
        File.Exists(Marker("impostor")).Should().BeFalse("the assembly swapped in after the check must never run");
        File.Exists(Marker("verified")).Should().BeTrue("the bytes that were hashed are the ones that run");
    }

    [Fact]
    public void The_private_copy_is_the_processs_own_and_goes_away_with_the_application()
    {
        string dll = MarkedPlugin("Copied");
        string? copy = null;
        using (var trust = new PluginTrust(PluginFiles.Of(Path.GetDirectoryName(dll)!).Select(PluginFiles.Sha256Of).ToList()))
        {
            string loadFrom = trust.Admit(Path.GetDirectoryName(dll)!);
            copy = Path.GetDirectoryName(Path.GetDirectoryName(loadFrom))!;
            loadFrom.Should().NotStartWith(Plugins);
            File.ReadAllBytes(Path.Combine(loadFrom, "Copied.dll")).Should().Equal(File.ReadAllBytes(dll));
            if (!OperatingSystem.IsWindows())
                File.GetUnixFileMode(copy).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Directory.Exists(copy).Should().BeFalse();
    }

    [Fact]
    public void The_run_log_says_whether_the_allow_list_is_on_and_how_many_plugin_assemblies_it_admitted()
    {
        int builtIn = PluginFolders.Under([BuiltInPlugins]).Count();

        // --dry-run keeps the console log at Warning (as the live display does); the allow-list's line still shows.
        var off = ForgeChild.Run("run", "--dry-run", "--pipeline", "score-sample");
        off.ExitCode.Should().Be(0, off.Error);
        off.Error.Should().Contain($"plugin allow-list: off (Forge:AllowedPluginSha256 is empty), {builtIn} plugin assemblies loaded unchecked");

        string dll = MarkedPlugin("Admitted");
        var on = ForgeChild.Run("run", "--pipeline", "score-sample", "--output", _dir.Combine("run"), "--plugins", Plugins,
            "--config", AllowList(dll));
        on.ExitCode.Should().Be(0, on.Error);
        on.Error.Should().Contain($"plugin allow-list: on, {builtIn + 1} plugin assemblies admitted");
    }

    [Fact]
    public void Plugins_sha256_lists_every_file_without_running_plugin_code_and_its_output_is_a_working_list()
    {
        string dll = MarkedPlugin("Hashed");
        string data = _dir.Write("p/Hashed/data/table.bin", "data the plugin reads");

        var hashes = ForgeProcess.Run("plugins", "--plugins", Plugins, "--sha256");
        hashes.ExitCode.Should().Be(0, hashes.Error);
        hashes.OutLines.Should().Contain([$"{PluginFiles.Sha256Of(dll)}  {dll}", $"{PluginFiles.Sha256Of(data)}  {data}"]);
        hashes.OutLines.Should().HaveCount(BuiltInHashes.Value.Length + 2);
        File.Exists(Marker("Hashed")).Should().BeFalse("listing hashes loads no plugin");

        var json = ForgeProcess.Run("plugins", "--plugins", Plugins, "--sha256", "--json");
        using var parsed = JsonDocument.Parse(json.Out);
        parsed.RootElement.EnumerateArray().Should().Contain(e => e.GetProperty("file").GetString() == data
            && e.GetProperty("sha256").GetString() == PluginFiles.Sha256Of(data));

        string list = _dir.Write("listed.json", JsonSerializer.Serialize(new
        {
            Forge = new { AllowedPluginSha256 = hashes.OutLines.Select(line => line.Split("  ")[0]) },
        }));
        var accepted = ForgeProcess.Run("plugins", "--plugins", Plugins, "--config", list);
        accepted.ExitCode.Should().Be(0, accepted.Error);
        accepted.Out.Should().Contain("hashed");
    }
}
