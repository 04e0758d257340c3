using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using AbParts.WebApi.ErrorHandling;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AbParts.WebApi.FunctionalTests;

[Collection(ApiTestGroup.Name)]
public sealed class AuthenticationTests(ApiFixture api)
{
    [Fact]
    public async Task SignInReturnsABearerTokenThatOpensProtectedRoutes()
    {
        using var client = api.Anonymous();

        var token = await client.PostAsJsonAsync("/auth/token",
            new { username = ApiFixture.SuperAdminUsername, password = ApiFixture.SuperAdminPassword }).ReadJsonAsync();
        using var authorized = api.WithToken(token.GetProperty("access_token").GetString()!);
        using var parts = await authorized.GetAsync("/parts");

        token.GetProperty("token_type").GetString().Should().Be("bearer");
        token.GetProperty("expires_in").GetInt32().Should().Be(3600);
        parts.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(ApiFixture.SuperAdminUsername, "wrong-password")]
    [InlineData("nobody-at-all", "whatever-password")]
    [InlineData("?!", "whatever-password")]
    public async Task WrongCredentialsGetTheSame401(string username, string password)
    {
        using var client = api.Anonymous();

        using var response = await client.PostAsJsonAsync("/auth/token", new { username, password });

        var problem = await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        problem.GetProperty("detail").GetString().Should().Be("The username or password is incorrect.");
    }

    [Fact]
    public async Task MissingTokenGets401WithABearerChallenge()
    {
        using var client = api.Anonymous();

        using var response = await client.GetAsync("/parts");

        await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
    }

    public static TheoryData<string, string> ForgedTokens()
    {
        var now = DateTime.UtcNow;
        var key = Encoding.UTF8.GetBytes(ApiFixture.SigningKey);
        var valid = Token(key, SecurityAlgorithms.HmacSha256);
        var parts = valid.Split('.');
        var escalatedPayload = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("\"user\"", "\"super_admin\""));
        using var rsa = RSA.Create(2048);
        return new TheoryData<string, string>
        {
            { "alg none", $"{Segment("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{parts[1]}." },
            { "alg none, signature kept", $"{Segment("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{parts[1]}.{parts[2]}" },
            { "HS512 with the right key", Token(key, SecurityAlgorithms.HmacSha512) },
            { "HS384 with the right key", Token(key, SecurityAlgorithms.HmacSha384) },
            { "RS256", Token(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256) },
            { "JWE shape", $"{Segment("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}")}..aXY.Y2lwaGVy.dGFn" },
            { "tampered payload", $"{parts[0]}.{escalatedPayload}.{parts[2]}" },
            { "tampered signature", $"{parts[0]}.{parts[1]}.{parts[2][..^2]}AA" },
            { "expired", Token(key, SecurityAlgorithms.HmacSha256, expires: now.AddMinutes(-5), issuedAt: now.AddHours(-1)) },
            { "not yet valid", Token(key, SecurityAlgorithms.HmacSha256, notBefore: now.AddHours(1), expires: now.AddHours(2)) },
            { "no expiry", Token(key, SecurityAlgorithms.HmacSha256, withoutExpiry: true) },
            { "wrong audience", Token(key, SecurityAlgorithms.HmacSha256, audience: "someone-else") },
            { "wrong issuer", Token(key, SecurityAlgorithms.HmacSha256, issuer: "someone-else") },
            { "wrong key", Token(Encoding.UTF8.GetBytes(new string('k', 64)), SecurityAlgorithms.HmacSha256) },
            { "garbage", "not-a-token" },
            { "two parts", "abc.def" },
            { "bad base64", "%%%.%%%.%%%" },
        };
    }

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task ForgedOrUnfitTokensAreRefusedWith401(string what, string token)
    {
        using var client = api.WithToken(token);

        using var response = await client.GetAsync("/parts");

        (await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized)).GetProperty("detail").GetString()
            .Should().NotBeNullOrEmpty(what)
            .And.NotContain("revoked", "the token's own defect refuses it, before its user and stamp are looked at: {0}", what);
        response.Headers.WwwAuthenticate.ToString().Should().Contain("invalid_token", what);
    }

    [Fact]
    public async Task AnAlteredCopyOfATokenAlreadyAcceptedIsStillRefused()
    {
        var token = await api.SignInAsync(ApiFixture.SuperAdminUsername, ApiFixture.SuperAdminPassword);
        var parts = token.Split('.');
        var escalated = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("\"exp\":", "\"exp\":9"));
        using var genuine = api.WithToken(token);
        using var resigned = api.WithToken($"{parts[0]}.{parts[1]}.{parts[2][..^2]}AA");
        using var extended = api.WithToken($"{parts[0]}.{escalated}.{parts[2]}");

        using var first = await genuine.GetAsync("/parts");
        using var withOtherSignature = await resigned.GetAsync("/parts");
        using var withLongerLife = await extended.GetAsync("/parts");
        using var again = await genuine.GetAsync("/parts");

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        await withOtherSignature.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        await withLongerLife.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        again.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnExpiredTokenIsReportedAsExpired()
    {
        var now = DateTime.UtcNow;
        using var client = api.WithToken(Token(Encoding.UTF8.GetBytes(ApiFixture.SigningKey), SecurityAlgorithms.HmacSha256,
            expires: now.AddMinutes(-5), issuedAt: now.AddHours(-1)));

        using var response = await client.GetAsync("/parts");

        (await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized)).GetProperty("detail").GetString()
            .Should().Be("The bearer token has expired.");
    }

    [Fact]
    public async Task ATokenWeSignOurselvesWithTheRightKeyIsAccepted()
    {
        var issued = UserAccounts.Payload(await api.SignInAsync(ApiFixture.SuperAdminUsername, ApiFixture.SuperAdminPassword));
        using var client = api.WithToken(Token(Encoding.UTF8.GetBytes(ApiFixture.SigningKey), SecurityAlgorithms.HmacSha256,
            user: issued));

        using var response = await client.GetAsync("/parts");

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the forged-token cases above differ from this one in one respect each");
    }

    [Fact]
    public async Task AnotherAuthorizationSchemeGets401()
    {
        using var client = api.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/parts");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic cm9vdDpyb290");

        using var response = await client.SendAsync(request);

        await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
    }

    private static readonly string[] IssuedClaims = ["sub", "org", "role", "name", "stamp"];

    /// <summary>
    /// A token shaped like ours (user role, fixture's organization claim) with one property varied; with
    /// <paramref name="user"/>, the claims of that issued token (a real user and their current security stamp).
    /// </summary>
    private static string Token(object key, string algorithm, DateTime? expires = null, DateTime? issuedAt = null,
        DateTime? notBefore = null, string audience = ApiFixture.Audience, string issuer = ApiFixture.Issuer,
        bool withoutExpiry = false, System.Text.Json.JsonElement? user = null)
    {
        var now = DateTime.UtcNow;
        SecurityKey securityKey = key switch
        {
            byte[] bytes => new SymmetricSecurityKey(bytes),
            SecurityKey k => k,
            _ => throw new ArgumentException("Unknown key.", nameof(key)),
        };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt ?? now,
            NotBefore = notBefore ?? issuedAt ?? now,
            Expires = withoutExpiry ? null : expires ?? now.AddMinutes(10),
            Subject = new ClaimsIdentity(user is { } issued
                ? IssuedClaims.Select(name => new Claim(name, issued.GetProperty(name).GetString()!))
                :
                [
                    new Claim("sub", Guid.NewGuid().ToString()),
                    new Claim("org", Guid.NewGuid().ToString()),
                    new Claim("role", "user"),
                    new Claim("name", "forger"),
                ]),
            SigningCredentials = new SigningCredentials(securityKey, algorithm),
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = !withoutExpiry };
        return handler.CreateToken(descriptor);
    }

    private static string Segment(string json) => Base64UrlEncoder.Encode(json);
}
