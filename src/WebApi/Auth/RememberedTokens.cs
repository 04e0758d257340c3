using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace AbParts.WebApi.Auth;

/// <summary>
/// JwtBearer's token handler, remembering each token it has found valid until that token expires (ADR 0039).
/// The validation itself stays the package's: a token is remembered only after <paramref name="inner"/> has
/// accepted it, under its whole text (signature included), so any other text is validated afresh. A remembered
/// token is forgotten once <c>exp</c> plus the clock skew has passed, when the inner handler starts refusing it.
/// JwtBearer's <c>OnTokenValidated</c> runs on every request either way, so the security stamp still revokes a
/// remembered token.
/// </summary>
public sealed class RememberedTokens(TokenHandler inner) : TokenHandler, IDisposable
{
    /// <summary>Most tokens remembered at once (a few KB each); beyond it new tokens are validated every time.</summary>
    public const int MaxTokens = 10_000;

    private readonly MemoryCache _valid = new(new MemoryCacheOptions { SizeLimit = MaxTokens });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        if (_valid.TryGetValue(token, out TokenValidationResult? known) && known is not null) // gone at the deadline
        {
            // Each request gets an identity of its own: JwtBearer builds the request's principal around it.
            return new TokenValidationResult
            {
                IsValid = true,
                SecurityToken = known.SecurityToken,
                ClaimsIdentity = known.ClaimsIdentity.Clone(),
            };
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid)
        {
            _valid.Set(token, result, new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpiration = Deadline(result.SecurityToken, validationParameters),
            });
        }

        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    public void Dispose() => _valid.Dispose();

    /// <summary>The last moment the inner handler would accept the token: its expiry plus the tolerated skew.</summary>
    private static DateTime Deadline(SecurityToken token, TokenValidationParameters parameters) =>
        DateTime.SpecifyKind(token.ValidTo, DateTimeKind.Utc) + parameters.ClockSkew;
}
