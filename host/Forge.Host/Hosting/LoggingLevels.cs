using Forge.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Forge.Host.Hosting;

/// <summary>
/// Checks the log levels of the <c>Logging</c> section (<c>Logging:LogLevel:&lt;category&gt;</c> and a provider's
/// <c>Logging:&lt;provider&gt;:LogLevel:&lt;category&gt;</c>) before the logging library reads them: its own error,
/// "Configuration value 'abc' is not supported.", names neither the key nor the levels.
/// </summary>
internal static class LoggingLevels
{
    public static void Check(IConfigurationSection logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        var sections = new[] { logging.GetSection("LogLevel") }.Concat(logging.GetChildren().Select(provider => provider.GetSection("LogLevel")));
        foreach (var level in sections.SelectMany(s => s.GetChildren()))
        {
            // The logging library's own rule: a level name in any case (or its number); empty means unset.
            if (string.IsNullOrEmpty(level.Value) || Enum.TryParse<LogLevel>(level.Value, ignoreCase: true, out _)) continue;
            throw new ForgeDataException($"{level.Path}: '{level.Value}' is not a log level ({string.Join(", ", Enum.GetNames<LogLevel>())})");
        }
    }
}
