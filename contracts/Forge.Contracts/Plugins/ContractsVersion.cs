namespace Forge.Contracts.Plugins;

/// <summary>
/// The version of these contracts. The host refuses a plugin compiled against a newer <see cref="Major"/>;
/// minor versions only add members, so older plugins keep working.
/// </summary>
public static class ContractsVersion
{
    /// <summary>The version of the contracts assembly the host runs with.</summary>
    public static Version Current { get; } = typeof(ContractsVersion).Assembly.GetName().Version ?? new Version(1, 0);

    /// <summary>Breaking-change counter.</summary>
    public static int Major => Current.Major;
}
