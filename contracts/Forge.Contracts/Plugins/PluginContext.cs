using Microsoft.Extensions.Configuration;

namespace Forge.Contracts.Plugins;

/// <summary>What the host tells a plugin when it registers.</summary>
/// <param name="Name">The exported name; services are keyed by it.</param>
/// <param name="Kind">The exported kind.</param>
/// <param name="Options">The plugin's own configuration section, e.g. <c>Rewards:accuracy</c> or <c>Optimizers:grpo</c>.</param>
public sealed record PluginContext(string Name, PluginKind Kind, IConfiguration Options);
