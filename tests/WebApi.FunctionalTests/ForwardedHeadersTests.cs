using System.Net;
using System.Net.Http.Json;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>Behind a configured proxy (127.0.0.1, where the tests connect from) the forwarded address is the client.</summary>
public sealed class ForwardedHeadersTests(ProxiedApiFixture api) : IClassFixture<ProxiedApiFixture>
{
    [Fact]
    public async Task TwoForwardedAddressesGetSeparateSignInBudgets()
    {
        var first = await AttemptsAsync("198.51.100.1", RateLimitedApiFixture.Limit, i => $"first-{i}");

        var second = await AttemptsAsync("198.51.100.2", 1, _ => "second");
        using var client = api.Anonymous();
        using var oneMore = await SignInAsync(client, "198.51.100.1", "first-more");

        first.Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        second.Should().Equal(HttpStatusCode.Unauthorized);
        await oneMore.ShouldBeProblemAsync(429, ProblemTypes.TooManyRequests);
    }

    [Fact]
    public async Task OneUsernameFromSeveralForwardedAddressesHitsTheLimit()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedApiFixture.Limit; i++)
        {
            statuses.AddRange(await AttemptsAsync($"203.0.113.{i + 1}", 1, _ => "target"));
        }

        using var client = api.Anonymous();
        using var response = await SignInAsync(client, "203.0.113.100", "target");

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        await response.ShouldBeProblemAsync(429, ProblemTypes.TooManyRequests);
        response.Headers.RetryAfter.Should().NotBeNull();
    }

    private async Task<List<HttpStatusCode>> AttemptsAsync(string forwardedFor, int count, Func<int, string> username)
    {
        using var client = api.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var response = await SignInAsync(client, forwardedFor, username(i));
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    internal static Task<HttpResponseMessage> SignInAsync(HttpClient client, string forwardedFor, string username)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/token")
        {
            Content = JsonContent.Create(new { username, password = "a-wrong-password" }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }
}

/// <summary>With no proxy configured, X-Forwarded-For is the client's own claim and changes nothing.</summary>
public sealed class UntrustedForwardedHeadersTests(RateLimitedApiFixture api) : IClassFixture<RateLimitedApiFixture>
{
    [Fact]
    public async Task ForwardedAddressesFromAnUntrustedPeerAreIgnoredBySignInLimit()
    {
        using var client = api.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedApiFixture.Limit; i++)
        {
            using var attempt = await ForwardedHeadersTests.SignInAsync(client, $"198.51.100.{i + 1}", $"someone-{i}");
            statuses.Add(attempt.StatusCode);
        }

        using var response = await ForwardedHeadersTests.SignInAsync(client, "198.51.100.200", "someone-else");

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        await response.ShouldBeProblemAsync(429, ProblemTypes.TooManyRequests);
    }
}
