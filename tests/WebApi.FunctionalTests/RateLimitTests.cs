using System.Net;
using System.Net.Http.Json;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

public sealed class RateLimitTests(RateLimitedApiFixture api) : IClassFixture<RateLimitedApiFixture>
{
    [Fact]
    public async Task SignInAttemptsBeyondTheLimitGet429WithRetryAfter()
    {
        using var client = api.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitedApiFixture.Limit; i++)
        {
            using var attempt = await client.PostAsJsonAsync("/auth/token", new { username = "guess", password = $"guess-{i}" });
            statuses.Add(attempt.StatusCode);
        }

        using var response = await client.PostAsJsonAsync("/auth/token", new { username = "guess", password = "one-more" });

        statuses.Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        await response.ShouldBeProblemAsync(429, ProblemTypes.TooManyRequests);
        response.Headers.RetryAfter.Should().NotBeNull();
    }
}
