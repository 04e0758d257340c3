using System.Security.Claims;
using AbParts.Application.Users;
using AbParts.WebApi.ErrorHandling;
using MediatR;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AbParts.WebApi.Auth;

/// <summary>
/// <c>Authorization: Bearer</c> through ASP.NET Core's JwtBearer handler (ADR 0027): compact JWS only (a
/// five-part JWE is refused before parsing), HS256 only, signature, issuer, audience and lifetime checked with
/// an expiry required, claims kept under their JWT names, and the token's security stamp compared with the
/// user's current one. Refusals are RFC 9457 bodies with a <c>WWW-Authenticate: Bearer</c> challenge.
/// </summary>
public static class BearerAuthentication
{
    public const string SchemeName = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>Longer than any token we issue by far; bounds the work spent on hostile headers.</summary>
    private const int MaxTokenLength = 4096;

    private const string Prefix = SchemeName + " ";

    public static AuthenticationBuilder AddAbPartsBearer(this AuthenticationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddJwtBearer(SchemeName, _ => { });
        builder.Services.AddOptions<JwtBearerOptions>(SchemeName)
            .Configure<IOptions<JwtOptions>>((bearer, jwt) => Configure(bearer, jwt.Value));
        builder.Services.AddSingleton<SecurityStampCache>();
        // The handler logs each exception of our events with its stack trace before rethrowing it; the only ones
        // (the database unreachable while reading a stamp, or a defect) reach the exception handler, which logs them once.
        builder.Services.AddLogging(logging => logging.AddFilter(typeof(JwtBearerHandler).FullName, LogLevel.Critical));
        return builder;
    }

    private static void Configure(JwtBearerOptions bearer, JwtOptions jwt)
    {
        // The package's handler validates; ours remembers what it accepted (ADR 0039). Claims keep their JWT names.
        bearer.TokenHandlers.Clear();
        bearer.TokenHandlers.Add(new RememberedTokens(new JsonWebTokenHandler { MapInboundClaims = false }));
        // Nothing reads the token back from the authentication properties: do not copy it there on every request.
        bearer.SaveToken = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(jwt.SigningKeyBytes()),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = jwt.ClockSkew,
            AuthenticationType = SchemeName,
            NameClaimType = AbPartsClaims.Name,
            RoleClaimType = AbPartsClaims.Role,
        };
        bearer.Events = new JwtBearerEvents
        {
            OnMessageReceived = MessageReceived,
            OnTokenValidated = TokenValidated,
            OnChallenge = Challenge,
            OnForbidden = context => context.Response.HasStarted
                ? Task.CompletedTask
                : ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, ProblemTypes.Forbidden,
                    "Forbidden", "Your role does not allow this operation."),
        };
    }

    /// <summary>Reads the token from the header and refuses what is not a compact JWS of a sane length before any parsing.</summary>
    private static Task MessageReceived(MessageReceivedContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.CompletedTask;
        }

        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(context, "The Authorization header must use the Bearer scheme.");
        }

        var token = header.AsSpan(Prefix.Length).Trim();
        if (token.Length is 0 or > MaxTokenLength)
        {
            return Refuse(context, "The bearer token is empty or too long.");
        }

        switch (token.Count('.'))
        {
            case 4:
                return Refuse(context, "Encrypted tokens (JWE) are not accepted.");
            case not 2:
                return Refuse(context, "The bearer token is not a compact JWS.");
        }

        context.Token = token.ToString();
        return Task.CompletedTask;
    }

    /// <summary>The token is genuine; it still speaks for its user only while the user's security stamp is the one it carries.</summary>
    private static async Task TokenValidated(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        if (principal.ToCaller() is not { } caller)
        {
            await Refuse(context, "The bearer token lacks the user, organization or role claim.");
            return;
        }

        var services = context.HttpContext.RequestServices;
        var current = await services.GetRequiredService<SecurityStampCache>().GetAsync(caller.UserId.Value, () =>
            services.GetRequiredService<IMediator>().Send(new GetSecurityStampQuery(caller.UserId), context.HttpContext.RequestAborted));
        if (current is null || !string.Equals(current, principal.FindFirstValue(AbPartsClaims.SecurityStamp), StringComparison.Ordinal))
        {
            await Refuse(context,
                "The bearer token was revoked: its user's password or role changed, or the user was removed. Sign in again.");
        }
    }

    private static async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        if (context.Response.HasStarted)
        {
            return; // another scheme of the route's policy has answered already
        }

        var failure = Describe(context.AuthenticateFailure);
        context.Response.Headers.WWWAuthenticate = failure is null
            ? $"{SchemeName} realm=\"abparts\""
            : $"{SchemeName} realm=\"abparts\", error=\"invalid_token\", error_description=\"{failure}\"";
        await ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized,
            "Authentication required", failure ?? "Send 'Authorization: Bearer <token>'; get a token from POST /auth/token.");
    }

    /// <summary>Our own reasons as given; the validator's in two plain sentences, never its internals.</summary>
    private static string? Describe(Exception? failure) => failure switch
    {
        null => null,
        RefusedTokenException refused => refused.Message,
        SecurityTokenExpiredException => "The bearer token has expired.",
        _ => "The bearer token is not valid for this service.",
    };

    private static Task Refuse<TOptions>(ResultContext<TOptions> context, string reason) where TOptions : AuthenticationSchemeOptions
    {
        context.Fail(new RefusedTokenException(reason));
        return Task.CompletedTask;
    }

    /// <summary>A token refused by one of our own checks, with a reason fit for the client.</summary>
    private sealed class RefusedTokenException(string message) : Exception(message);
}
