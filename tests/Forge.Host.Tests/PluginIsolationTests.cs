using System.Runtime.Loader;
using Forge.Contracts.Rewards;
using Forge.Core.Plugins;
using Forge.Host.Hosting;
using Forge.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Tests;

public class PluginIsolationTests
{
    private const string WidgetSource = """
        namespace Widgets;
        public static class Widget { public static double Generation => {0}; }
        """;

    [Fact]
    public void Each_plugin_keeps_its_own_version_of_a_private_dependency_while_sharing_the_contracts()
    {
        using var dir = new TempDirectory();
        // Two plugins carry two different versions of the same private library "Widgets".
        foreach (var (plugin, generation) in new[] { ("Old", 1), ("New", 2) })
        {
            string folder = dir.Combine("plugins", plugin);
            string widget = PluginCompiler.Compile(folder, "Widgets", WidgetSource.Replace("{0}", generation.ToString()), version: $"{generation}.0.0.0");
            PluginCompiler.Compile(folder, plugin,
                PluginCompiler.RewardSource(plugin.ToLowerInvariant(), "Widgets.Widget.Generation", @namespace: plugin),
                extraReferences: [widget]);
        }

        using var app = ForgeApplication.Create(new HostSettings(null, [dir.Combine("plugins")], [], false));
        var plugins = app.Services.GetRequiredService<IPluginResolver>();
        var old = plugins.Resolve<IRewardModel>("old");
        var @new = plugins.Resolve<IRewardModel>("new");
        var input = new RewardInput(new Forge.Contracts.Data.PromptRow("1", "p"), "c");

        old.Score([input])[0].Should().Be(1);
        @new.Score([input])[0].Should().Be(2);
        var oldContext = AssemblyLoadContext.GetLoadContext(old.GetType().Assembly)!;
        oldContext.Should().NotBe(AssemblyLoadContext.Default).And.NotBe(AssemblyLoadContext.GetLoadContext(@new.GetType().Assembly));
        // The contract the plugin implements is the host's own type, from the default context.
        old.GetType().GetInterfaces().Should().Contain(typeof(IRewardModel));
        AssemblyLoadContext.GetLoadContext(typeof(IRewardModel).Assembly).Should().Be(AssemblyLoadContext.Default);
    }
}
