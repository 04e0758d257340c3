using AbParts.Application.Common.Abstractions;
using AbParts.WebApi.ErrorHandling;
using Microsoft.Net.Http.Headers;

namespace AbParts.WebApi.Endpoints;

/// <summary>What a request's Range and If-Range headers ask of a representation (RFC 9110 §14).</summary>
public abstract record RangeDecision
{
    /// <summary>Send the whole representation (no Range, several ranges, a Range we ignore, or a stale If-Range).</summary>
    public sealed record Whole : RangeDecision;

    /// <summary>Send bytes <paramref name="From"/> to <paramref name="To"/> inclusive with 206.</summary>
    public sealed record Span(long From, long To) : RangeDecision
    {
        public long Length => To - From + 1;
    }

    /// <summary>No byte of the single range exists: 416 with <c>Content-Range: bytes */length</c>.</summary>
    public sealed record Unsatisfiable : RangeDecision;

    /// <param name="entityTag">The current strong ETag, quoted.</param>
    public static RangeDecision Decide(HttpRequest request, long length, string entityTag, DateTimeOffset lastModified)
    {
        ArgumentNullException.ThrowIfNull(request);
        var range = request.Headers.Range.ToString();
        if (string.IsNullOrEmpty(range) || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            return new Whole();
        }

        if (!IfRangeHolds(request.Headers.IfRange.ToString(), entityTag, lastModified))
        {
            return new Whole();
        }

        if (!RangeHeaderValue.TryParse(range, out var parsed) || !string.Equals(parsed.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase)
            || parsed.Ranges.Count != 1)
        {
            return new Whole(); // unparseable or multiple ranges: the whole representation, as RFC 9110 allows
        }

        var item = parsed.Ranges.Single();
        if (item.From is { } from)
        {
            if (from >= length)
            {
                return new Unsatisfiable();
            }

            var to = item.To is { } last ? Math.Min(last, length - 1) : length - 1;
            return to < from ? new Whole() : new Span(from, to);
        }

        if (item.To is { } suffix)
        {
            return suffix == 0 || length == 0 ? new Unsatisfiable() : new Span(Math.Max(0, length - suffix), length - 1);
        }

        return new Whole();
    }

    /// <summary>If-Range with our strong ETag, or with a date no older than the representation, keeps the Range.</summary>
    private static bool IfRangeHolds(string ifRange, string entityTag, DateTimeOffset lastModified)
    {
        if (string.IsNullOrEmpty(ifRange))
        {
            return true;
        }

        if (ifRange.StartsWith('"') || ifRange.StartsWith("W/", StringComparison.Ordinal))
        {
            return string.Equals(ifRange.Trim(), entityTag, StringComparison.Ordinal); // strong comparison; weak never matches
        }

        return HeaderUtilities.TryParseDate(ifRange, out var date)
               && date >= lastModified.AddTicks(-(lastModified.Ticks % TimeSpan.TicksPerSecond));
    }
}

/// <summary>What the headers of a stored object's response say about it.</summary>
/// <param name="Sha256">The content hash: the strong entity tag.</param>
/// <param name="CacheControl">The <c>Cache-Control</c> of a full answer.</param>
public sealed record StoredRepresentation(long Size, string Sha256, string ContentType, DateTimeOffset LastModified,
    string CacheControl)
{
    public string EntityTag => $"\"{Sha256}\"";
}

/// <summary>
/// Answers a GET or HEAD for a stored object's bytes, videos and chat files alike: strong ETag and 304,
/// one byte range per RFC 9110 (206, or 416 as ProblemDetails), and the bytes read from the store straight
/// into the response. The one place where this service does range requests by hand, because a store's
/// stream (S3, a <c>bytea</c> substring) is not a file the framework could serve.
/// </summary>
public static class StoredBytesResponse
{
    /// <summary>How much is read per step: large enough for few reads and flushes, small enough per client.</summary>
    private const int ChunkBytes = 256 * 1024;

    /// <summary>Writes the validators and caching headers; <c>true</c> when the client holds this version (answer 304).</summary>
    public static bool WriteHeadersAndCheckNotModified(HttpContext http, StoredRepresentation representation)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(representation);
        var headers = http.Response.GetTypedHeaders();
        http.Response.Headers.AcceptRanges = "bytes";
        headers.ETag = new EntityTagHeaderValue(representation.EntityTag);
        headers.LastModified = representation.LastModified;
        http.Response.Headers.CacheControl = representation.CacheControl;
        return EntityTagHeaderValue.TryParseList(http.Request.Headers.IfNoneMatch, out var known)
               && known.Any(t => t.Tag.Value == "*" || t.Tag.Value == representation.EntityTag);
    }

    /// <summary>
    /// Sends the whole object or the requested range. <paramref name="open"/> reads the bytes (a GET);
    /// <paramref name="exists"/> checks they are still there without reading them (a HEAD).
    /// </summary>
    public static async Task<IResult> SendAsync(HttpContext http, StoredRepresentation representation,
        Func<ByteRange?, Task<MediaContent>> open, Func<Task> exists, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(representation);
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(exists);
        var size = representation.Size;
        var decision = RangeDecision.Decide(http.Request, size, representation.EntityTag, representation.LastModified);
        if (decision is RangeDecision.Unsatisfiable)
        {
            http.Response.Headers.ContentRange = $"bytes */{size}";
            await ProblemResponses.WriteAsync(http, StatusCodes.Status416RangeNotSatisfiable, ProblemTypes.RangeNotSatisfiable,
                "Range not satisfiable", $"The {what} has {size} bytes; the requested range starts beyond its end.");
            return Results.Empty;
        }

        var (status, range, length) = decision is RangeDecision.Span partial
            ? (StatusCodes.Status206PartialContent, new ByteRange(partial.From, partial.Length), partial.Length)
            : (StatusCodes.Status200OK, (ByteRange?)null, size);
        var head = HttpMethods.IsHead(http.Request.Method);
        if (head)
        {
            await exists();
        }

        await using var content = head ? null : await open(range);
        http.Response.StatusCode = status;
        http.Response.ContentType = representation.ContentType;
        http.Response.ContentLength = length;
        if (range is { } r)
        {
            http.Response.Headers.ContentRange = $"bytes {r.Offset}-{r.Offset + length - 1}/{size}";
        }

        if (content is not null)
        {
            await CopyToResponseAsync(content, http.Response, what, cancellationToken);
        }

        return Results.Empty;
    }

    /// <summary>
    /// Reads the store's bytes straight into the response's own buffers (no intermediate copy), flushing
    /// each chunk so a slow client holds back the reads instead of buffering the object in memory.
    /// </summary>
    private static async Task CopyToResponseAsync(MediaContent content, HttpResponse response, string what,
        CancellationToken cancellationToken)
    {
        await response.StartAsync(cancellationToken);
        var writer = response.BodyWriter;
        var remaining = content.Length;
        while (remaining > 0)
        {
            var memory = writer.GetMemory(ChunkBytes);
            var read = await content.Stream.ReadAsync(memory[..(int)Math.Min(memory.Length, remaining)], cancellationToken);
            if (read == 0)
            {
                throw new IOException($"The stored {what} ended {remaining} bytes early.");
            }

            writer.Advance(read);
            remaining -= read;
            var flushed = await writer.FlushAsync(cancellationToken);
            if (flushed.IsCanceled || flushed.IsCompleted)
            {
                return; // the client went away
            }
        }
    }
}
