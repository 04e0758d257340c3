using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;

namespace AbParts.WebApi.Auth;

/// <summary>
/// Bearer tokens that passed every check of <see cref="BearerAuthenticationHandler"/>, with their claims,
/// so a client sending the same token with each request (a gallery of thumbnails, a video's ranges) pays
/// for parsing and the signature once. Keyed by the exact token text: any other text, however similar, is
/// validated in full. An entry lives until the token's expiry and at most <see cref="MaxAge"/>; failures are
/// never kept. Validation depends only on the token, the clock and the signing settings, which are fixed
/// for the life of the process.
/// </summary>
public sealed class ValidatedTokenCache(TimeProvider time) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Most tokens kept; beyond it the cache compacts and newcomers are validated each time until it has.</summary>
    public const int MaxTokens = 10_000;

    private readonly MemoryCache _tokens = new(new MemoryCacheOptions { SizeLimit = MaxTokens });

    public bool TryGet(string token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyList<Claim>? claims)
    {
        if (_tokens.TryGetValue(token, out Entry? entry) && entry is not null && entry.ExpiresAt > time.GetUtcNow())
        {
            claims = entry.Claims;
            return true;
        }

        claims = null;
        return false;
    }

    public void Add(string token, IReadOnlyList<Claim> claims, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        var until = Min(expiresAt, now + MaxAge);
        if (until <= now)
        {
            return;
        }

        // Relative, so the cache's own clock agrees with TimeProvider; TryGet checks the deadline anyway.
        _tokens.Set(token, new Entry(claims, until), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = until - now });
    }

    public void Dispose() => _tokens.Dispose();

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed record Entry(IReadOnlyList<Claim> Claims, DateTimeOffset ExpiresAt);
}
