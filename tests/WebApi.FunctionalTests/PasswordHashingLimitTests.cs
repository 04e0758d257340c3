using System.Net;
using System.Net.Http.Json;
using AbParts.Infrastructure.Identity;
using AbParts.WebApi.ErrorHandling;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.WebApi.FunctionalTests;

/// <summary><c>Auth:PasswordHashing:MaxConcurrent=1</c> and no queue: while one hash holds the only slot, a sign-in is refused.</summary>
public sealed class PasswordHashingLimitTests(SingleHashApiFixture api) : IClassFixture<SingleHashApiFixture>
{
    [Fact]
    public async Task SignInIsAnswered429WithRetryAfterWhileTheOnlyHashingSlotIsBusy()
    {
        var limit = api.Services.GetRequiredService<PasswordHashingLimit>();
        using var client = api.Anonymous();
        var credentials = new { username = ApiFixture.SuperAdminUsername, password = ApiFixture.SuperAdminPassword };
        HttpResponseMessage refused;

        using (limit.Enter())
        {
            refused = await client.PostAsJsonAsync("/auth/token", credentials);
        }

        using var accepted = await client.PostAsJsonAsync("/auth/token", credentials);
        using (refused)
        {
            await refused.ShouldBeProblemAsync(429, ProblemTypes.TooManyRequests);
            refused.Headers.RetryAfter.Should().NotBeNull();
        }

        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ConcurrentSignInsBeyondTheLimitAreEither200Or429()
    {
        using var client = api.Anonymous();
        var credentials = new { username = ApiFixture.SuperAdminUsername, password = ApiFixture.SuperAdminPassword };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsJsonAsync("/auth/token", credentials)));

        responses.Select(r => r.StatusCode).Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.TooManyRequests);
        foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests))
        {
            response.Headers.RetryAfter.Should().NotBeNull();
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
