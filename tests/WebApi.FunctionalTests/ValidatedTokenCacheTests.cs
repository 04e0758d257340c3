using System.Security.Claims;
using AbParts.WebApi.Auth;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>The cache of validated bearer tokens: it never outlives a token or its own bound.</summary>
public sealed class ValidatedTokenCacheTests : IDisposable
{
    private static readonly Claim[] Claims = [new("sub", "someone")];

    private readonly ManualTime _time = new(DateTimeOffset.Parse("2026-11-21T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ValidatedTokenCache _cache;

    public ValidatedTokenCacheTests() => _cache = new ValidatedTokenCache(_time);

    [Fact]
    public void AValidatedTokenIsAnsweredWithItsClaimsUntilItExpires()
    {
        _cache.Add("token", Claims, _time.GetUtcNow().AddMinutes(2));

        _cache.TryGet("token", out var before).Should().BeTrue();
        _time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        _cache.TryGet("token", out _).Should().BeFalse("the token has expired");
        before.Should().BeEquivalentTo(Claims);
    }

    [Fact]
    public void ALongLivedTokenIsValidatedAgainAfterTheMaximumAge()
    {
        _cache.Add("token", Claims, _time.GetUtcNow().AddHours(8));

        _time.Advance(ValidatedTokenCache.MaxAge + TimeSpan.FromSeconds(1));

        _cache.TryGet("token", out _).Should().BeFalse();
    }

    [Fact]
    public void OnlyTheExactTokenTextIsAnswered()
    {
        _cache.Add("header.payload.signature", Claims, _time.GetUtcNow().AddHours(1));

        _cache.TryGet("header.payload.signaturE", out _).Should().BeFalse();
        _cache.TryGet("header.payload.signature ", out _).Should().BeFalse();
    }

    public void Dispose() => _cache.Dispose();

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
