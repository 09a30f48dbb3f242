using Forge.Contracts.Plugins;
using Forge.Core;
using Forge.Core.Plugins;
using Forge.Cuda.Graphs;
using Forge.Host.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Forge.Core.Devices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Forge.Host.Hosting;

/// <summary>
/// The composed application: configuration, loaded plugins and the container, with every plugin's options bound and
/// validated before any work starts.
/// </summary>
internal sealed class ForgeApplication : IDisposable
{
    private readonly IHost _host;
    private readonly PluginTrust _trust;

    private ForgeApplication(IHost host, PluginTrust trust, PluginCatalog catalog, HostSettings settings, ConfigurationLayers layers,
        IReadOnlyDictionary<PluginInstance, IReadOnlyList<Type>> pluginOptionTypes, ForgeOptions forge)
    {
        _host = host;
        _trust = trust;
        Catalog = catalog;
        Settings = settings;
        Layers = layers;
        PluginOptionTypes = pluginOptionTypes;
        Forge = forge;
    }

    public IServiceProvider Services => _host.Services;

    public IConfiguration Configuration => _host.Services.GetRequiredService<IConfiguration>();

    public PluginCatalog Catalog { get; }

    /// <summary>What the global command-line options said.</summary>
    public HostSettings Settings { get; }

    /// <summary>The configuration's layers by name, to say where a setting came from.</summary>
    public ConfigurationLayers Layers { get; }

    /// <summary>Every plugin registration with the options classes its section binds to (none when it has no options class).</summary>
    public IReadOnlyDictionary<PluginInstance, IReadOnlyList<Type>> PluginOptionTypes { get; }

    /// <summary>The host's own <c>Forge</c> section, bound and validated.</summary>
    public ForgeOptions Forge { get; }

    public static ForgeApplication Create(HostSettings settings)
    {
        var configuration = ForgeConfiguration.Build(settings);
        var layers = ConfigurationLayers.Of(configuration, settings);
        var forge = ConfigurationSections.Check(configuration);
        var trust = PluginTrust.Configured(forge.AllowedPluginSha256, layers.EmptyOutsideFiles(PluginTrust.Key));
        try
        {
            return Create(settings, configuration, layers, forge, trust);
        }
        catch
        {
            trust.Dispose();
            throw;
        }
    }

    private static ForgeApplication Create(HostSettings settings, ConfigurationManager configuration, ConfigurationLayers layers,
        ForgeOptions forge, PluginTrust trust)
    {
        var catalog = PluginCatalog.Load(PluginDirectories(forge, settings), trust);

        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            Configuration = configuration,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout stays for results
        // --verbose: Debug for every category the configuration does not name. A minimum level alone would lose to
        // Logging:LogLevel:Default; a rule added after the configuration's is the one that applies.
        if (settings.Verbose) builder.Logging.AddFilter(category: null, level: LogLevel.Debug);
        // Quiet: the allow-list's status line still shows (it is printed before a live display starts).
        else if (settings.QuietConsoleLog)
            builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>((category, level) =>
                level >= LogLevel.Warning || (category == PluginTrust.LogCategory && level >= LogLevel.Information));

        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton<IPluginResolver, ServiceProviderPluginResolver>();
        builder.Services.AddForgeCore(configuration);
        builder.Services.AddCudaGraphs(forge.FusedKernels);
        var kinds = builder.Services.Select(d => d.ImplementationInstance).OfType<Core.Pipelines.StageKind>();
        var instances = PluginInstances.From(configuration, catalog, kinds);
        builder.Services.AddSingleton(instances);
        var optionTypes = new Dictionary<PluginInstance, IReadOnlyList<Type>>();
        foreach (var instance in instances)
        {
            var (name, plugin, options) = instance;
            int before = builder.Services.Count;
            try
            {
                plugin.Module.ConfigureServices(builder.Services, new PluginContext(name, plugin.Kind, options));
            }
            catch (Exception ex)
            {
                throw new ForgeDataException($"{PluginKinds.DisplayName(plugin.Kind)} plugin '{name}' failed while registering: {PluginCatalog.Describe(ex)}", ex);
            }
            optionTypes[instance] = PluginOptionsCheck.Check(builder.Services.Skip(before), options);
        }

        IHost host;
        try
        {
            host = builder.Build(); // builds the loggers, binding Logging's provider options
        }
        catch (InvalidOperationException ex) when (ConfigurationBinderErrors.Translate(ex, configuration) is { } plain)
        {
            throw plain;
        }
        try
        {
            Validate(host.Services, instances, configuration);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        if (forge.Deterministic)
        {
            var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Forge.Determinism");
            if (Determinism.Enable() is { } why) log.LogWarning("Forge:Deterministic: {Reason}; kernels stay as they are", why);
            else log.LogInformation("Forge:Deterministic: deterministic algorithms on, CUBLAS_WORKSPACE_CONFIG={Workspace}", Determinism.GetEnvironment("CUBLAS_WORKSPACE_CONFIG"));
        }
        return new ForgeApplication(host, trust, catalog, settings, layers, optionTypes, forge);
    }

    /// <summary>Runs every ValidateOnStart registration now, turning failures into one line naming the section.</summary>
    private static void Validate(IServiceProvider services, IReadOnlyList<PluginInstance> instances, IConfiguration configuration)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException ex)
        {
            throw new ForgeDataException($"invalid options in {SectionOf(ex.OptionsName, instances)}: {string.Join("; ", ex.Failures)}", ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            var first = (OptionsValidationException)ex.InnerExceptions[0];
            throw new ForgeDataException($"invalid options in {SectionOf(first.OptionsName, instances)}: {string.Join("; ", first.Failures)}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // The configuration binder: a value of the wrong type, or a key the options class does not have.
            throw ConfigurationBinderErrors.Translate(ex, configuration)
                ?? new ForgeDataException($"invalid options: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
    }

    private static string SectionOf(string optionsName, IReadOnlyList<PluginInstance> instances) =>
        instances.FirstOrDefault(i => i.Name == optionsName)?.Options.Path ?? optionsName;

    /// <summary>Logs whether the plugin allow-list is on and how many plugin assemblies it admitted (<c>forge run</c>).</summary>
    public void LogPluginTrust() => _trust.Log(Services.GetRequiredService<ILoggerFactory>());

    /// <summary>The plugin directories: <c>plugins/</c> beside the executable, <c>Forge:PluginDirectories</c>, <c>--plugins</c>.</summary>
    public static IEnumerable<string> PluginDirectories(ForgeOptions forge, HostSettings settings)
    {
        yield return Path.Combine(AppContext.BaseDirectory, "plugins");
        for (int i = 0; i < forge.PluginDirectories.Count; i++)
        {
            string directory = forge.PluginDirectories[i];
            if (string.IsNullOrWhiteSpace(directory)) continue;
            if (!Directory.Exists(directory)) throw new ForgeDataException($"Forge:PluginDirectories:{i}: plugin directory {directory} does not exist");
            yield return directory;
        }
        foreach (string directory in settings.PluginDirectories)
        {
            if (!Directory.Exists(directory)) throw new ForgeDataException($"--plugins {directory}: directory does not exist");
            yield return directory;
        }
    }

    public void Dispose()
    {
        _host.Dispose();
        _trust.Dispose();
    }
}
