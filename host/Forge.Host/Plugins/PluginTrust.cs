using Forge.Core;
using Microsoft.Extensions.Logging;

namespace Forge.Host.Plugins;

/// <summary>
/// The allow-list of SHA-256 hashes, <c>Forge:AllowedPluginSha256</c>. Empty: off, plugin folders load in place.
/// Non-empty: every file in a plugin folder (<see cref="PluginFiles"/>: any name, any depth) must have a listed hash,
/// or the host refuses to start and names the file; an admitted folder loads from a <see cref="PrivatePluginCopy"/>
/// of the bytes that were hashed, never from the folder itself.
/// </summary>
internal sealed class PluginTrust : IDisposable
{
    /// <summary>The log category of the allow-list's status line (shown even when the console log is quiet).</summary>
    public const string LogCategory = "Forge.Host.Plugins.PluginTrust";

    /// <summary>The allow-list's configuration key.</summary>
    public const string Key = "Forge:AllowedPluginSha256";

    private readonly HashSet<string> _allowed = new(StringComparer.Ordinal);
    private readonly Action<string>? _afterVerification;
    private PrivatePluginCopy? _copy;
    private int _assemblies;
    private int _files;

    /// <param name="allowedSha256">The configured hashes; each must be 64 hex digits.</param>
    /// <param name="afterVerification">
    /// Called with the plugin folder once its files are verified and before the plugin loads: the window in which a
    /// swapped file would run if the load went back to the folder. For tests only.
    /// </param>
    public PluginTrust(IReadOnlyList<string> allowedSha256, Action<string>? afterVerification = null)
    {
        for (int i = 0; i < allowedSha256.Count; i++)
        {
            string hash = (allowedSha256[i] ?? "").Trim().ToLowerInvariant();
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
                throw new ForgeDataException($"{Key}:{i}: '{allowedSha256[i]}' is not a SHA-256 (64 hex digits)");
            _allowed.Add(hash);
        }
        _afterVerification = afterVerification;
    }

    /// <summary>
    /// The allow-list as bound, with <paramref name="emptyValueFrom"/> the layers (<c>env FORGE_…</c>, <c>--set</c>) that
    /// give the key itself an empty value — what an unset shell variable makes of
    /// <c>FORGE_Forge__AllowedPluginSha256=$HASH</c>. Such a value is refused rather than read as "no list": it cannot
    /// clear a list another layer gives, so it is only ever a mistake.
    /// </summary>
    public static PluginTrust Configured(IReadOnlyList<string> allowedSha256, IEnumerable<string> emptyValueFrom)
    {
        if (emptyValueFrom.FirstOrDefault() is { } layer)
            throw new ForgeDataException($"{Key}: empty value ({layer}); the allow-list is a list of hashes ({Key}:0=…); leave the key out for none");
        return new PluginTrust(allowedSha256);
    }

    /// <summary>Whether the allow-list is on (non-empty).</summary>
    public bool IsOn => _allowed.Count > 0;

    /// <summary>
    /// Verifies <paramref name="folder"/> and returns the folder to load the plugin from: the folder itself when the
    /// allow-list is off, else a private copy of exactly the bytes that were hashed.
    /// </summary>
    public string Admit(string folder)
    {
        if (!IsOn)
        {
            _assemblies++;
            return folder;
        }
        var files = PluginFiles.Of(folder);
        _copy ??= new PrivatePluginCopy();
        string copy = _copy.NewFolder(Path.GetFileName(folder));
        foreach (string file in files)
        {
            string hash = PrivatePluginCopy.CopyHashing(file, Path.Combine(copy, Path.GetRelativePath(folder, file)));
            if (!_allowed.Contains(hash))
                throw new ForgeDataException($"plugin file {file} (sha256 {hash}) is not in the allow-list {Key}, which must cover every file in a plugin folder");
        }
        _assemblies++;
        _files += files.Count;
        _afterVerification?.Invoke(folder);
        return copy;
    }

    /// <summary>Logs whether the allow-list is on and how many plugin assemblies it admitted.</summary>
    public void Log(ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(LogCategory);
        if (IsOn)
            logger.LogInformation("plugin allow-list: on, {Assemblies} plugin assemblies admitted ({Files} files hashed, loaded from {Copy})",
                _assemblies, _files, _copy?.Root ?? "nowhere");
        else
            logger.LogInformation("plugin allow-list: off ({Key} is empty), {Assemblies} plugin assemblies loaded unchecked", Key, _assemblies);
    }

    /// <summary>Deletes the private copy.</summary>
    public void Dispose() => _copy?.Dispose();
}
