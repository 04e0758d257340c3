using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>Tokens signed in the tests, the way the service signs its own.</summary>
internal static class TestTokens
{
    /// <summary>HS256 with the fixtures' key, issuer and audience, valid for ten minutes from now, carrying <paramref name="claims"/>.</summary>
    public static string Sign(IDictionary<string, object> claims)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ApiFixture.Issuer,
            Audience = ApiFixture.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            Claims = claims,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ApiFixture.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
