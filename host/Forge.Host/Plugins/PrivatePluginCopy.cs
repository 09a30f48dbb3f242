using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Forge.Host.Plugins;

/// <summary>
/// A folder of this process's own under the temp folder (created by <c>mkdtemp</c>: mode 0700, a name nobody can
/// guess), holding plugin files exactly as they were hashed. The allow-list is checked on the bytes written here and the
/// plugin loads from here, so a file swapped in the plugin folder between the check and the load never runs. Deleted on
/// dispose; on Windows, files still loaded cannot be deleted and stay behind.
/// </summary>
internal sealed class PrivatePluginCopy : IDisposable
{
    private const int ChunkSize = 1 << 20;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-plugins-");
    private int _folders;

    /// <summary>Where the copy lives.</summary>
    public string Root => _root.FullName;

    /// <summary>A new empty folder for one plugin folder, <c>&lt;root&gt;/&lt;n&gt;/&lt;name&gt;</c>: the main assembly keeps its name.</summary>
    public string NewFolder(string name)
    {
        string path = Path.Combine(Root, (_folders++).ToString(CultureInfo.InvariantCulture), name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> (a new file) in one pass, hashing the very
    /// bytes it writes; returns their lowercase hex SHA-256.
    /// </summary>
    public static string CopyHashing(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = input.Read(buffer, 0, ChunkSize)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                output.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public void Dispose()
    {
        try
        {
            _root.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Windows keeps loaded assemblies open; the temp folder's own cleanup takes what is left.
        }
    }
}
