namespace Forge.Host.Tests.Support;

/// <summary>The repository the tests run from (its root holds Framework.sln).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Framework.sln"))) directory = Path.GetDirectoryName(directory);
        return directory ?? throw new InvalidOperationException($"no Framework.sln above {AppContext.BaseDirectory}");
    }
}
