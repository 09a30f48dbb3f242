using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Forge.Host.Serving;

/// <summary>
/// Reads a request body of at most <c>limit</c> bytes. A larger one is read on and discarded, up to
/// <see cref="DrainAllowance"/> bytes more, before the server answers 413: a client still sending when the answer came
/// and the connection closed would see a broken pipe instead of the 413 (.NET's HttpClient does). Kestrel's own limit
/// (<see cref="HardLimit"/>) ends anything larger, closing the connection.
/// </summary>
internal static class RequestBody
{
    /// <summary>Bytes past the limit read and thrown away so that the client gets its 413.</summary>
    public const long DrainAllowance = 16 << 20;

    /// <summary>Kestrel's limit for a body whose own limit is <paramref name="limit"/>.</summary>
    public static long HardLimit(long limit) => limit + DrainAllowance;

    /// <summary>The body, or null when it is larger than <paramref name="limit"/> bytes.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > HardLimit(limit)) return null;
        using var body = new MemoryStream((int)Math.Min(request.ContentLength ?? 4096, limit));
        byte[] chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        bool tooLarge = request.ContentLength > limit;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                tooLarge |= body.Length + read > limit;
                if (!tooLarge) body.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        if (tooLarge) return null; // not in a ?: with the memory: null would become an empty Memory<byte>
        return body.GetBuffer().AsMemory(0, (int)body.Length);
    }
}
