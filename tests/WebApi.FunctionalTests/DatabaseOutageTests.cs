using System.Net;
using AbParts.WebApi.ErrorHandling;
using Microsoft.AspNetCore.Builder;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>The service pointed at a PostgreSQL that does not answer: it runs, reports not-ready and answers 503.</summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("abparts-outage-").FullName;
    private WebApplication? _app;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _app = WebApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            // Port 9 (discard) on loopback: nothing listens, so connecting fails at once.
            "--ConnectionStrings:Default=Host=127.0.0.1;Port=9;Username=x;Password=y;Database=z;Timeout=2",
            $"--Auth:Jwt:SigningKey={ApiFixture.SigningKey}",
            $"--ABPARTS_DATA_DIR={_dataDirectory}",
            "--Logging:LogLevel:Default=None",
            "--Logging:LogLevel:Microsoft.EntityFrameworkCore=None", // its connection failures are the point here
        ]);
        _address = await ApiFixture.StartAsync(_app);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task ReadinessFailsWhileLivenessHolds()
    {
        using var client = new HttpClient { BaseAddress = _address };

        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");

        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        live.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RequestsThatNeedTheDatabaseGet503WithRetryAfter()
    {
        using var client = new HttpClient { BaseAddress = _address };

        using var response = await client.PostAsync("/auth/token",
            new StringContent("""{"username":"root","password":"root-password-1"}""", System.Text.Encoding.UTF8, "application/json"));

        await response.ShouldBeProblemAsync(503, ProblemTypes.Unavailable);
        response.Headers.RetryAfter.Should().NotBeNull();
    }

    [Fact]
    public async Task AReadThatNeedsTheDatabaseGets503WithRetryAfter()
    {
        using var client = new HttpClient { BaseAddress = _address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", SignedToken());

        using var response = await client.GetAsync("/parts");

        var problem = await response.ShouldBeProblemAsync(503, ProblemTypes.Unavailable);
        problem.GetProperty("detail").GetString().Should().Be("The database cannot be reached. Try again shortly.");
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(5));
    }

    /// <summary>A valid user token signed with the service's key: signing in would itself need the database.</summary>
    private static string SignedToken() => TestTokens.Sign(new Dictionary<string, object>
    {
        ["sub"] = Guid.NewGuid().ToString(),
        ["org"] = Guid.NewGuid().ToString(),
        ["role"] = "user",
        ["name"] = "reader",
    });
}
