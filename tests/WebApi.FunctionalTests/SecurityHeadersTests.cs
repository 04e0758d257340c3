using System.Net;
using System.Net.Http.Json;

namespace AbParts.WebApi.FunctionalTests;

[Collection(ApiTestGroup.Name)]
public sealed class SecurityHeadersTests(ApiFixture api)
{
    public static TheoryData<string, string, HttpStatusCode> Responses() => new()
    {
        { "GET", "/health/live", HttpStatusCode.OK },
        { "GET", "/openapi/v1.json", HttpStatusCode.OK },
        { "GET", "/no/such/route", HttpStatusCode.Unauthorized },
        { "GET", "/js/no-such-module.js", HttpStatusCode.Unauthorized },
        { "GET", "/users", HttpStatusCode.Unauthorized },
        { "POST", "/auth/token", HttpStatusCode.Unauthorized },
        { "GET", $"/images/users/{Guid.Empty}/profile?size=150", HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task EveryResponseIsNeverSniffedSendsNoReferrerAndLetsNothingLoadOrFrameIt(string method, string path,
        HttpStatusCode status)
    {
        using var client = api.Anonymous();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { username = "nobody", password = "wrong-password" });
        }

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(status);
        Header(response, "X-Content-Type-Options").Should().Be("nosniff");
        Header(response, "Referrer-Policy").Should().Be("no-referrer");
        Header(response, "Content-Security-Policy").Should().Be("default-src 'none'; frame-ancestors 'none'");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/app.js")]
    [InlineData("/app.css")]
    [InlineData("/js/api.js")]
    [InlineData("/js/pages/parts.js")]
    public async Task TheConsolesFilesGetTheConsolePolicyAndAreNeverSniffed(string path)
    {
        using var client = api.Anonymous();

        using var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(response, "Content-Security-Policy").Should().Be(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; media-src 'self'; " +
            "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'");
        Header(response, "X-Content-Type-Options").Should().Be("nosniff");
        Header(response, "Referrer-Policy").Should().Be("no-referrer");
    }

    [Fact]
    public async Task ARevalidatedConsoleFileKeepsTheConsolePolicy()
    {
        using var client = api.Anonymous();
        using var first = await client.GetAsync("/app.js");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/app.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var response = await client.SendAsync(again);

        response.StatusCode.Should().Be(HttpStatusCode.NotModified);
        Header(response, "Content-Security-Policy").Should().Be(SecurityHeaders.ConsolePolicy);
        Header(response, "X-Content-Type-Options").Should().Be("nosniff");
    }

    [Fact]
    public async Task ANotModifiedAnswerCarriesTheHeadersToo()
    {
        var (client, _, userId) = await api.UserAsync("user");
        using (client)
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(Tests.Support.SampleImages.MediumJpeg), "file", "p.jpg" } };
            (await client.PostAsync("/uploads/users/profile-photo", form)).EnsureSuccessStatusCode();
            using var first = await client.GetAsync($"/images/users/{userId}/profile");
            using var again = new HttpRequestMessage(HttpMethod.Get, $"/images/users/{userId}/profile");
            again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

            using var response = await client.SendAsync(again);

            response.StatusCode.Should().Be(HttpStatusCode.NotModified);
            Header(response, "X-Content-Type-Options").Should().Be("nosniff");
            Header(response, "Referrer-Policy").Should().Be("no-referrer");
        }
    }

    [Fact]
    public async Task TheSwaggerUiRunsItsOwnScriptsSoItGetsNoApiPolicy()
    {
        using var client = api.Anonymous();

        using var response = await client.GetAsync("/swagger/index.html");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(response, "Content-Security-Policy").Should().BeNull();
        Header(response, "X-Content-Type-Options").Should().Be("nosniff");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}

/// <summary>An instance with <c>OpenApi:Enabled=false</c>.</summary>
public sealed class OpenApiOffApiFixture : ApiFixture
{
    protected override IEnumerable<string> ExtraArguments => ["--OpenApi:Enabled=false"];
}

public sealed class OpenApiSwitchTests(OpenApiOffApiFixture api) : IClassFixture<OpenApiOffApiFixture>
{
    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/swagger/index.html")]
    public async Task WithOpenApiSwitchedOffNeitherTheDocumentNorItsUiIsServed(string path)
    {
        using var client = await api.SuperAdminAsync();

        using var response = await client.GetAsync(path);
        using var health = await client.GetAsync("/health/live");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        health.StatusCode.Should().Be(HttpStatusCode.OK, "the service itself runs");
    }
}
