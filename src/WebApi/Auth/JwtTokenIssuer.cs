using System.Security.Claims;
using AbParts.Application.Common.Security;
using AbParts.Domain.Users;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AbParts.WebApi.Auth;

/// <summary>Issues compact HS256 JWS tokens carrying user id, organization id, role, name and security stamp.</summary>
internal sealed class JwtTokenIssuer(IOptions<JwtOptions> options, TimeProvider time) : IAccessTokenIssuer
{
    private readonly JsonWebTokenHandler _handler = new();

    public AccessToken Issue(User user) => Issue(user, options.Value.Lifetime);

    public AccessToken Issue(User user, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(user);
        var jwt = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Subject = new ClaimsIdentity(
            [
                new Claim(AbPartsClaims.Subject, user.Id.Value.ToString()),
                new Claim(AbPartsClaims.Organization, user.OrganizationId.Value.ToString()),
                new Claim(AbPartsClaims.Role, user.Role.ToName()),
                new Claim(AbPartsClaims.Name, user.Username.Value),
                new Claim(AbPartsClaims.SecurityStamp, user.SecurityStamp),
                new Claim(AbPartsClaims.TokenId, Guid.NewGuid().ToString("N")),
            ]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(jwt.SigningKeyBytes()),
                SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, lifetime);
    }
}
