using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AbParts.Tests.Support;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// The product's verbs, run as an operator runs them (the service's executable in a process of its own) against the
/// running instance's database and configuration.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class CommandLineTests(ApiFixture api)
{
    private Task<VerbResult> RunAsync(params string[] arguments) => ServiceExecutable.RunVerbAsync(api.VerbEnvironment(), arguments);

    [Theory]
    [InlineData("no-such-verb")]
    [InlineData("token", "issue")]
    [InlineData("token", "issue", "--user", "root", "--ttl", "soon")]
    [InlineData("users", "create", "--username", "x", "--organization-id", "not-a-guid")]
    public async Task AWrongCommandLineExitsWith2AndSaysWhy(params string[] arguments)
    {
        var result = await RunAsync(arguments);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().NotBeEmpty();
    }

    [Fact]
    public async Task AUserCreatedOnTheCommandLineSignsInWithATokenIssuedThere()
    {
        using var admin = await api.SuperAdminAsync();
        var organization = (await admin.PostAsJsonAsync("/organizations", new { name = $"Org {Guid.NewGuid()}" }).ReadJsonAsync())
            .GetProperty("id").GetGuid();
        var username = $"cli{Guid.NewGuid():N}"[..16];

        var created = await ServiceExecutable.RunVerbAsync(
            new Dictionary<string, string>(api.VerbEnvironment()) { ["ABPARTS_USER_PASSWORD"] = "cli-password-1" },
            "users", "create", "--username", username, "--organization-id", organization.ToString(), "--role", "admin");
        var issued = await RunAsync("token", "issue", "--user", username, "--ttl", "2h");

        created.ExitCode.Should().Be(0, created.ToString());
        issued.ExitCode.Should().Be(0, issued.ToString());
        using var client = api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Output.Trim());
        using var me = await client.GetAsync($"/users/{Guid.Parse(created.Output.Trim())}");
        me.StatusCode.Should().Be(HttpStatusCode.OK, await me.Content.ReadAsStringAsync());
        (await api.SignInAsync(username, "cli-password-1")).Should().NotBeEmpty("the password given through the environment was set");
    }

    [Fact]
    public async Task ATokenForAnUnknownUserIsRefusedWithExitCode2()
    {
        var result = await RunAsync("token", "issue", "--user", "nobody-here", "--ttl", "1h");

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().Contain("User 'nobody-here' was not found.");
        result.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task ATokenLifetimeOverThirtyDaysIsRefusedWithExitCode2()
    {
        var result = await RunAsync("token", "issue", "--user", ApiFixture.SuperAdminUsername, "--ttl", "31d");

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().Contain("ttl");
    }
}
