using System.Security.Cryptography;
using System.Text;
using Forge.Core;
using Microsoft.Extensions.Primitives;

namespace Forge.Host.Serving;

/// <summary>
/// The key clients must send as <c>Authorization: Bearer KEY</c> (vLLM's <c>--api-key</c>). Keys are compared as
/// SHA-256 digests in constant time, so neither the key's content nor its length shows in how long a refusal takes.
/// </summary>
internal sealed class ApiKey
{
    private const string Scheme = "Bearer ";
    private readonly byte[] _digest;

    private ApiKey(string key) => _digest = Digest(key);

    /// <summary>The key from <c>--api-key</c> or the first line of <c>--api-key-file</c>; null when neither is given.</summary>
    public static ApiKey? From(string? key, string? file)
    {
        if (key is not null && file is not null) throw new ForgeDataException("give --api-key or --api-key-file, not both");
        if (file is not null)
        {
            if (!File.Exists(file)) throw new ForgeDataException($"--api-key-file {file}: no such file");
            key = File.ReadLines(file).FirstOrDefault()?.Trim() ?? "";
            return Checked(key, $"--api-key-file {file}");
        }
        return key is null ? null : Checked(key, "--api-key");
    }

    private static ApiKey Checked(string key, string source)
    {
        if (key.Length == 0) throw new ForgeDataException($"{source}: the key is empty");
        if (key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '~'))
            throw new ForgeDataException($"{source}: the key has a space, control or non-ASCII character, which an Authorization header cannot carry");
        return new ApiKey(key);
    }

    /// <summary>True when <paramref name="authorization"/> is exactly one <c>Bearer</c> header with this key.</summary>
    public bool Accepts(StringValues authorization)
    {
        if (authorization.Count != 1 || authorization[0] is not { } header || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(Digest(header[Scheme.Length..].Trim()), _digest);
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
