using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using AbParts.WebApi.ErrorHandling;
using Microsoft.IdentityModel.Tokens;

namespace AbParts.WebApi.Auth;

/// <summary>
/// Validates <c>Authorization: Bearer</c> tokens: compact JWS only (a five-part JWE is refused before
/// parsing), header <c>alg</c> exactly HS256 (so <c>none</c> and algorithm confusion fail), signature,
/// issuer, audience and lifetime. JwtBearer does not restore for net10 here (ADR 0002).
/// </summary>
public sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<JwtOptions> jwtOptions,
    ValidatedTokenCache validated) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    /// <summary>Longer than any token we issue by far; bounds the work spent on hostile headers.</summary>
    private const int MaxTokenLength = 4096;

    private static readonly JsonWebTokenHandler Handler = new();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("The Authorization header must use the Bearer scheme.");
        }

        var token = header[(SchemeName.Length + 1)..].Trim();
        if (validated.TryGet(token, out var claims))
        {
            return Task.FromResult(Success(claims));
        }

        return Task.FromResult(Validate(token));
    }

    private static AuthenticateResult Success(IEnumerable<Claim> claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, AbPartsClaims.Name, AbPartsClaims.Role)), SchemeName));

    private AuthenticateResult Validate(string token)
    {
        if (token.Length is 0 or > MaxTokenLength)
        {
            return AuthenticateResult.Fail("The bearer token is empty or too long.");
        }

        switch (token.Count(c => c == '.'))
        {
            case 4:
                return AuthenticateResult.Fail("Encrypted tokens (JWE) are not accepted.");
            case not 2:
                return AuthenticateResult.Fail("The bearer token is not a compact JWS.");
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return AuthenticateResult.Fail("The bearer token is malformed.");
        }

        if (!string.Equals(jwt.Alg, SecurityAlgorithms.HmacSha256, StringComparison.Ordinal))
        {
            return AuthenticateResult.Fail("The bearer token must be signed with HS256.");
        }

        var result = Handler.ValidateToken(token, Parameters());
        if (!result.IsValid)
        {
            return AuthenticateResult.Fail(result.Exception is SecurityTokenExpiredException
                ? "The bearer token has expired."
                : "The bearer token is not valid for this service.");
        }

        var claims = jwt.Claims.ToList();
        var authenticated = Success(claims);
        if (authenticated.Principal!.ToCaller() is null)
        {
            return AuthenticateResult.Fail("The bearer token lacks the user, organization or role claim.");
        }

        validated.Add(token, claims, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        return authenticated;
    }

    private TokenValidationParameters Parameters()
    {
        var jwt = jwtOptions.Value;
        return new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(jwt.SigningKeyBytes()),
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = jwt.ClockSkew,
        };
    }

    private static Task<AuthenticateResult> Fail(string reason) => Task.FromResult(AuthenticateResult.Fail(reason));

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Response.HasStarted)
        {
            return; // another scheme of the route's policy has answered already
        }

        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.Headers.WWWAuthenticate = failure is null
            ? $"{SchemeName} realm=\"abparts\""
            : $"{SchemeName} realm=\"abparts\", error=\"invalid_token\", error_description=\"{failure}\"";
        await ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized,
            "Authentication required", failure ?? "Send 'Authorization: Bearer <token>'; get a token from POST /auth/token.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, ProblemTypes.Forbidden,
            "Forbidden", "Your role does not allow this operation.");
}
