using AbParts.WebApi.Endpoints;
using Microsoft.Extensions.Options;

namespace AbParts.WebApi.Auth;

/// <summary>
/// Users' current security stamps (<c>null</c>: the user is gone), kept for <c>Auth:Jwt:SecurityStampCacheDuration</c>
/// so that checking a bearer token's stamp costs a database read per user and period, not per request. A change
/// made through this instance calls <see cref="GuardedCache{TValue}.Evict"/>, which voids the user's entry at
/// once, including the answer of a read that was still running when the change committed; another instance
/// sees the change within the duration.
/// </summary>
public sealed class SecurityStampCache(IOptions<JwtOptions> options)
    : GuardedCache<string?>(MaxUsers, options.Value.SecurityStampCacheDuration)
{
    /// <summary>Most users kept at once.</summary>
    public const int MaxUsers = 100_000;
}
