using System.Security.Claims;
using AbParts.WebApi.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// The remembered tokens in front of JwtBearer's own handler (ADR 0039): a token is validated once and then
/// answered from memory, never past the moment the package's handler would refuse it. The HTTP-level cases (an
/// altered copy of an accepted token, revocation by security stamp) are in AuthenticationTests and
/// TokenRevocationTests.
/// </summary>
public sealed class RememberedTokensTests
{
    private static readonly SymmetricSecurityKey Key = new(new byte[32]);

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = "issuer",
        ValidAudience = "audience",
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.Zero,
    };

    [Fact]
    public async Task ARememberedTokenIsAnsweredWithoutValidatingAgainWithAnIdentityOfItsOwn()
    {
        var inner = new CountingHandler();
        using var tokens = new RememberedTokens(inner);
        var token = Token(DateTime.UtcNow.AddMinutes(5));

        var first = await tokens.ValidateTokenAsync(token, Parameters);
        var second = await tokens.ValidateTokenAsync(token, Parameters);

        first.IsValid.Should().BeTrue();
        second.IsValid.Should().BeTrue();
        inner.Validations.Should().Be(1);
        second.ClaimsIdentity.Should().NotBeSameAs(first.ClaimsIdentity);
        second.ClaimsIdentity.FindFirst("sub")!.Value.Should().Be("someone");
    }

    [Fact]
    public async Task ATokenAcceptedOnceIsRefusedOnceItExpires()
    {
        var inner = new CountingHandler();
        using var tokens = new RememberedTokens(inner);
        var expires = DateTime.UtcNow.AddSeconds(2);
        var token = Token(expires);

        var before = await tokens.ValidateTokenAsync(token, Parameters);
        await Task.Delay(expires.AddSeconds(1.5) - DateTime.UtcNow); // exp has whole seconds: past it, whatever the rounding
        var after = await tokens.ValidateTokenAsync(token, Parameters);

        before.IsValid.Should().BeTrue();
        after.IsValid.Should().BeFalse();
        after.Exception.Should().BeOfType<SecurityTokenExpiredException>();
        inner.Validations.Should().Be(2, "an expired token goes back to the package's handler, which refuses it");
    }

    [Fact]
    public async Task ARefusedTokenIsNotRememberedAndIsValidatedEachTime()
    {
        var inner = new CountingHandler();
        using var tokens = new RememberedTokens(inner);
        var other = new SymmetricSecurityKey(Enumerable.Repeat((byte)7, 32).ToArray());
        var token = Token(DateTime.UtcNow.AddMinutes(5), other);

        var first = await tokens.ValidateTokenAsync(token, Parameters);
        var second = await tokens.ValidateTokenAsync(token, Parameters);

        first.IsValid.Should().BeFalse();
        second.IsValid.Should().BeFalse();
        inner.Validations.Should().Be(2);
    }

    private static string Token(DateTime expires, SecurityKey? key = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "issuer",
            Audience = "audience",
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            IssuedAt = DateTime.UtcNow.AddMinutes(-1),
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("sub", "someone")]),
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
        });

    /// <summary>The package's handler, counting the tokens it is asked to validate.</summary>
    private sealed class CountingHandler : JsonWebTokenHandler
    {
        public CountingHandler() => MapInboundClaims = false;

        public int Validations { get; private set; }

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Validations++;
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }
}
