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
