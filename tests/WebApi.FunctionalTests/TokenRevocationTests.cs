using System.Net;
using System.Net.Http.Json;
using AbParts.Application.Users;
using AbParts.WebApi.ErrorHandling;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// A token stops working when its user's password or role changes or the user is removed; nobody else's does.
/// The changes go through the instance that serves the requests, which forgets the user's cached stamp at once.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class TokenRevocationTests(ApiFixture api)
{
    [Fact]
    public async Task APasswordChangeRevokesTheUsersTokensAndNoOneElses()
    {
        var user = await api.AccountAsync("user");
        var colleague = await api.AccountAsync("user", user.OrganizationId);
        var secondToken = await api.SignInAsync(user.Username, UserAccounts.Password);
        using var client = api.WithToken(user.Token); // the change itself makes this instance remember the stamp

        using var change = await client.PutAsJsonAsync("/users/me/password",
            new { current_password = UserAccounts.Password, new_password = "another-password-2" });

        change.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await ShouldBeRevokedAsync(user.Token);
        await ShouldBeRevokedAsync(secondToken);
        (await api.StatusWithTokenAsync(colleague.Token)).Should().Be(200);
        (await api.StatusWithTokenAsync(await api.SignInAsync(user.Username, "another-password-2"))).Should().Be(200);
    }

    [Fact]
    public async Task ARoleChangeRevokesTheUsersTokensAndNoOneElses()
    {
        var admin = await api.AccountAsync("admin");
        var colleague = await api.AccountAsync("admin", admin.OrganizationId);
        using var superAdmin = await api.SuperAdminAsync();
        var before = await api.StatusWithTokenAsync(admin.Token); // the stamp is now remembered by this instance

        using var change = await superAdmin.PutAsJsonAsync($"/users/{admin.Id}/role", new { role = "user" });

        before.Should().Be(200);
        change.StatusCode.Should().Be(HttpStatusCode.OK);
        await ShouldBeRevokedAsync(admin.Token);
        (await api.StatusWithTokenAsync(colleague.Token)).Should().Be(200);
        var fresh = await api.SignInAsync(admin.Username, UserAccounts.Password);
        (await api.StatusWithTokenAsync(fresh)).Should().Be(200);
        UserAccounts.Payload(fresh).GetProperty("role").GetString().Should().Be("user");
    }

    [Fact]
    public async Task GivingAUserTheRoleTheyHaveKeepsTheirTokens()
    {
        var user = await api.AccountAsync("user");
        using var superAdmin = await api.SuperAdminAsync();

        using var change = await superAdmin.PutAsJsonAsync($"/users/{user.Id}/role", new { role = "user" });

        change.StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.StatusWithTokenAsync(user.Token)).Should().Be(200);
    }

    [Fact]
    public async Task RemovingAUserRevokesTheirTokensAndNoOneElses()
    {
        var user = await api.AccountAsync("user");
        var colleague = await api.AccountAsync("user", user.OrganizationId);
        using var superAdmin = await api.SuperAdminAsync();
        var before = await api.StatusWithTokenAsync(user.Token); // the stamp is now remembered by this instance

        using var removal = await superAdmin.DeleteAsync($"/users/{user.Id}");

        before.Should().Be(200);
        removal.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await ShouldBeRevokedAsync(user.Token);
        (await api.StatusWithTokenAsync(colleague.Token)).Should().Be(200);
        (await api.SignInStatusAsync(user.Username, UserAccounts.Password)).Should().Be(401);
    }

    [Fact]
    public async Task ATokenIssuedByTheCommandLineCarriesTheStampAndIsRevokedLikeAnyOther()
    {
        var user = await api.AccountAsync("admin");
        await using var scope = api.Services.CreateAsyncScope();
        var script = await scope.ServiceProvider.GetRequiredService<IMediator>()
            .Send(new AbParts.Application.Auth.IssueScriptTokenCommand(user.Username, TimeSpan.FromHours(12)));
        using var superAdmin = await api.SuperAdminAsync();

        var before = await api.StatusWithTokenAsync(script.AccessToken);
        using var change = await superAdmin.PutAsJsonAsync($"/users/{user.Id}/role", new { role = "user" });

        before.Should().Be(200);
        UserAccounts.Payload(script.AccessToken).GetProperty("stamp").GetString().Should().NotBeNullOrEmpty();
        await ShouldBeRevokedAsync(script.AccessToken);
    }

    public static TheoryData<string, string?> ForeignStamps() => new()
    {
        { "no stamp", null },
        { "an empty stamp", "" },
        { "another stamp", "AAAAAAAAAAAAAAAAAAAAAA" },
    };

    [Theory]
    [MemberData(nameof(ForeignStamps))]
    public async Task ATokenSignedWithTheRightKeyButNotTheUsersCurrentStampIsRefused(string what, string? stamp)
    {
        var user = await api.AccountAsync("user");
        var issued = UserAccounts.Payload(user.Token);
        var forged = Sign(issued, stamp);

        var status = await api.StatusWithTokenAsync(forged);
        var genuine = await api.StatusWithTokenAsync(Sign(issued, issued.GetProperty("stamp").GetString()));

        status.Should().Be(401, what);
        genuine.Should().Be(200, "the same token with the user's current stamp is accepted");
    }

    [Fact]
    public async Task ATokenOfAUserThatNeverExistedIsRefused()
    {
        var user = await api.AccountAsync("user");
        var issued = UserAccounts.Payload(user.Token);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = Guid.NewGuid().ToString(),
            ["org"] = issued.GetProperty("org").GetString()!,
            ["role"] = "super_admin",
            ["name"] = "ghost",
            ["stamp"] = issued.GetProperty("stamp").GetString()!,
        };

        var status = await api.StatusWithTokenAsync(TestTokens.Sign(claims));

        status.Should().Be(401);
    }

    private async Task ShouldBeRevokedAsync(string token)
    {
        using var client = api.WithToken(token);
        using var response = await client.GetAsync("/parts");
        var problem = await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        problem.GetProperty("detail").GetString().Should().Contain("revoked");
        response.Headers.WwwAuthenticate.ToString().Should().Contain("invalid_token");
    }

    /// <summary>The issued token's claims signed again with the service's key, its stamp replaced (or left out when null).</summary>
    private static string Sign(System.Text.Json.JsonElement issued, string? stamp)
    {
        var claims = new Dictionary<string, object>();
        foreach (var name in new[] { "sub", "org", "role", "name" })
        {
            claims[name] = issued.GetProperty(name).GetString()!;
        }

        if (stamp is not null)
        {
            claims["stamp"] = stamp;
        }

        return TestTokens.Sign(claims);
    }
}

/// <summary>An instance that remembers no security stamp, so a change made outside it (as by a command-line verb) shows at once.</summary>
public sealed class UncachedStampsApiFixture : ApiFixture
{
    protected override IEnumerable<string> ExtraArguments => ["--Auth:Jwt:SecurityStampCacheDuration=00:00:00"];
}

/// <summary>Changes made without going through the serving instance's endpoints: they take effect once the stamp cache lets go.</summary>
public sealed class UncachedTokenRevocationTests(UncachedStampsApiFixture api) : IClassFixture<UncachedStampsApiFixture>
{
    [Fact]
    public async Task EnsureSuperAdminResettingAPasswordRevokesThatSuperAdminsTokens()
    {
        var username = $"ops{Guid.NewGuid():N}"[..16];
        await EnsureAsync(username, "first-password-1");
        var token = await api.SignInAsync(username, "first-password-1");
        var other = await api.SignInAsync(ApiFixture.SuperAdminUsername, ApiFixture.SuperAdminPassword);
        var before = await api.StatusWithTokenAsync(token);

        var outcome = await EnsureAsync(username, "second-password-2");

        outcome.Should().Be(SuperAdminOutcome.PasswordReset);
        before.Should().Be(200);
        (await api.StatusWithTokenAsync(token)).Should().Be(401);
        (await api.StatusWithTokenAsync(other)).Should().Be(200);
    }

    [Fact]
    public async Task EnsureSuperAdminWithTheSamePasswordKeepsTheTokens()
    {
        var username = $"ops{Guid.NewGuid():N}"[..16];
        await EnsureAsync(username, "first-password-1");
        var token = await api.SignInAsync(username, "first-password-1");

        var outcome = await EnsureAsync(username, "first-password-1");

        outcome.Should().Be(SuperAdminOutcome.AlreadyPresent);
        (await api.StatusWithTokenAsync(token)).Should().Be(200);
    }

    private async Task<SuperAdminOutcome> EnsureAsync(string username, string password)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IMediator>()
            .Send(new EnsureSuperAdminCommand(username, password, "AbParts"));
        return result.Outcome;
    }
}
