using System.Net.Http.Json;
using System.Text.Json;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>Users made and inspected the way the user-management tests need them.</summary>
internal static class UserAccounts
{
    public const string Password = "user-password-1";

    /// <summary>A user created by the fixture's super admin, signed in: its id, username, organization and a client with its token.</summary>
    public sealed record Account(Guid Id, string Username, Guid OrganizationId, string Token);

    public static async Task<Guid> OrganizationAsync(this ApiFixture api)
    {
        using var admin = await api.SuperAdminAsync();
        var organization = await admin.PostAsJsonAsync("/organizations", new { name = $"Org {Guid.NewGuid()}" }).ReadJsonAsync();
        return organization.GetProperty("id").GetGuid();
    }

    /// <summary>A new user of <paramref name="role"/> in <paramref name="organizationId"/> (a new organization when none), signed in.</summary>
    public static async Task<Account> AccountAsync(this ApiFixture api, string role, Guid? organizationId = null)
    {
        var organization = organizationId ?? await api.OrganizationAsync();
        var username = $"u{Guid.NewGuid():N}"[..16];
        using var admin = await api.SuperAdminAsync();
        var user = await admin.PostAsJsonAsync("/users",
            new { username, password = Password, organization_id = organization, role }).ReadJsonAsync();
        return new Account(user.GetProperty("id").GetGuid(), username, organization, await api.SignInAsync(username, Password));
    }

    /// <summary>The user's row as stored (role, password hash, security stamp), or <c>null</c> once it is gone.</summary>
    public static Task<string?> UserRowAsync(this ApiFixture api, Guid id) =>
        api.Database.ScalarAsync<string>($"SELECT role || ' ' || password_hash || ' ' || security_stamp FROM users WHERE id = '{id}'");

    /// <summary>The status a read of a protected route gets with this token.</summary>
    public static async Task<int> StatusWithTokenAsync(this ApiFixture api, string token)
    {
        using var client = api.WithToken(token);
        using var response = await client.GetAsync("/parts");
        return (int)response.StatusCode;
    }

    /// <summary>The status of a sign-in with these credentials.</summary>
    public static async Task<int> SignInStatusAsync(this ApiFixture api, string username, string password)
    {
        using var client = api.Anonymous();
        using var response = await client.PostAsJsonAsync("/auth/token", new { username, password });
        return (int)response.StatusCode;
    }

    /// <summary>The claims of a token as issued (its payload), without checking anything.</summary>
    public static JsonElement Payload(string token)
    {
        var payload = token.Split('.')[1];
        return JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(payload)).RootElement.Clone();
    }
}
