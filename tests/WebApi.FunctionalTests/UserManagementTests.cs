using System.Net;
using System.Net.Http.Json;
using AbParts.Tests.Support;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// Changing one's own password, changing a user's role and removing a user over HTTP: who may, what is refused
/// (and leaves everything as it was), and what a removal takes with it.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class UserManagementTests(ApiFixture api)
{
    private const string NewPassword = "another-password-2";

    [Fact]
    public async Task AUserChangesTheirPasswordAndSignsInWithTheNewOneOnly()
    {
        var user = await api.AccountAsync("user");
        using var client = api.WithToken(user.Token);

        using var response = await client.PutAsJsonAsync("/users/me/password",
            new { current_password = UserAccounts.Password, new_password = NewPassword });

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await api.SignInStatusAsync(user.Username, NewPassword)).Should().Be(200);
        (await api.SignInStatusAsync(user.Username, UserAccounts.Password)).Should().Be(401);
    }

    public static TheoryData<string, string, string, string> RefusedPasswordChanges() => new()
    {
        { "a wrong current password", "not-my-password-9", NewPassword, "current_password" },
        { "a missing current password", "", NewPassword, "current_password" },
        { "a new password too short", UserAccounts.Password, "short", "new_password" },
        { "the same password again", UserAccounts.Password, UserAccounts.Password, "new_password" },
    };

    [Theory]
    [MemberData(nameof(RefusedPasswordChanges))]
    public async Task ARefusedPasswordChangeAnswers400AndChangesNothing(string what, string current, string replacement, string field)
    {
        var user = await api.AccountAsync("user");
        var row = await api.UserRowAsync(user.Id);
        using var client = api.WithToken(user.Token);

        using var response = await client.PutAsJsonAsync("/users/me/password",
            new { current_password = current, new_password = replacement });

        var problem = await response.ShouldBeProblemAsync(400, ProblemTypes.Validation);
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(what);
        (await api.UserRowAsync(user.Id)).Should().Be(row, "the hash and the stamp are unchanged");
        (await api.StatusWithTokenAsync(user.Token)).Should().Be(200, "the token still works");
        (await api.SignInStatusAsync(user.Username, UserAccounts.Password)).Should().Be(200);
    }

    [Fact]
    public async Task ChangingAPasswordNeedsAToken()
    {
        using var client = api.Anonymous();

        using var response = await client.PutAsJsonAsync("/users/me/password",
            new { current_password = UserAccounts.Password, new_password = NewPassword });

        await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
    }

    [Theory]
    [InlineData("user", "admin")]
    [InlineData("admin", "user")]
    [InlineData("user", "super_admin")]
    [InlineData("super_admin", "user")]
    public async Task ASuperAdminChangesAUsersRole(string from, string to)
    {
        var user = await api.AccountAsync(from);
        using var superAdmin = await api.SuperAdminAsync();

        var changed = await superAdmin.PutAsJsonAsync($"/users/{user.Id}/role", new { role = to }).ReadJsonAsync();

        changed.GetProperty("id").GetGuid().Should().Be(user.Id);
        changed.GetProperty("role").GetString().Should().Be(to);
        (await api.UserRowAsync(user.Id)).Should().StartWith(to + " ");
    }

    [Theory]
    [InlineData("the same organization")]
    [InlineData("another organization")]
    public async Task AnOrganizationAdminMayNotChangeRolesOrRemoveUsers(string where)
    {
        var admin = await api.AccountAsync("admin");
        var target = await api.AccountAsync("user", where == "the same organization" ? admin.OrganizationId : null);
        var row = await api.UserRowAsync(target.Id);
        using var client = api.WithToken(admin.Token);

        using var promotion = await client.PutAsJsonAsync($"/users/{target.Id}/role", new { role = "admin" });
        using var removal = await client.DeleteAsync($"/users/{target.Id}");

        await promotion.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        await removal.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        (await api.UserRowAsync(target.Id)).Should().Be(row, where);
        (await api.StatusWithTokenAsync(target.Token)).Should().Be(200);
    }

    [Fact]
    public async Task AUserMayNotPromoteThemselves()
    {
        var user = await api.AccountAsync("user");
        var row = await api.UserRowAsync(user.Id);
        using var client = api.WithToken(user.Token);

        using var response = await client.PutAsJsonAsync($"/users/{user.Id}/role", new { role = "super_admin" });

        await response.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        (await api.UserRowAsync(user.Id)).Should().Be(row);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("Admin")]
    [InlineData("")]
    [InlineData(null)]
    public async Task AnUnknownRoleAnswers400AndChangesNothing(string? role)
    {
        var user = await api.AccountAsync("user");
        var row = await api.UserRowAsync(user.Id);
        using var superAdmin = await api.SuperAdminAsync();

        using var response = await superAdmin.PutAsJsonAsync($"/users/{user.Id}/role", new { role });

        var problem = await response.ShouldBeProblemAsync(400, ProblemTypes.Validation);
        problem.GetProperty("errors").TryGetProperty("role", out _).Should().BeTrue();
        (await api.UserRowAsync(user.Id)).Should().Be(row);
    }

    [Fact]
    public async Task ChangingTheRoleOrRemovingAUserThatDoesNotExistAnswers404()
    {
        using var superAdmin = await api.SuperAdminAsync();
        var users = await api.Database.ScalarAsync<long>("SELECT count(*) FROM users");
        var missing = Guid.NewGuid();

        using var promotion = await superAdmin.PutAsJsonAsync($"/users/{missing}/role", new { role = "admin" });
        using var removal = await superAdmin.DeleteAsync($"/users/{missing}");

        await promotion.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        await removal.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        (await api.Database.ScalarAsync<long>("SELECT count(*) FROM users")).Should().Be(users);
    }

    [Fact]
    public async Task ASuperAdminMayNeitherDemoteNorRemoveThemselvesSoTheLastOneCannotLockEveryoneOut()
    {
        var superAdmin = await api.AccountAsync("super_admin");
        var row = await api.UserRowAsync(superAdmin.Id);
        using var client = api.WithToken(superAdmin.Token);

        using var demotion = await client.PutAsJsonAsync($"/users/{superAdmin.Id}/role", new { role = "user" });
        using var removal = await client.DeleteAsync($"/users/{superAdmin.Id}");

        (await demotion.ShouldBeProblemAsync(403, ProblemTypes.Forbidden)).GetProperty("detail").GetString()
            .Should().Contain("another super admin");
        await removal.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        (await api.UserRowAsync(superAdmin.Id)).Should().Be(row);
        (await api.StatusWithTokenAsync(superAdmin.Token)).Should().Be(200);
    }

    [Fact]
    public async Task ADemotedSuperAdminCanNoLongerManageUsers()
    {
        var demoted = await api.AccountAsync("super_admin");
        var target = await api.AccountAsync("user");
        var row = await api.UserRowAsync(target.Id);
        using var superAdmin = await api.SuperAdminAsync();
        using var demotion = await superAdmin.PutAsJsonAsync($"/users/{demoted.Id}/role", new { role = "admin" });
        using var client = api.WithToken(demoted.Token);

        using var response = await client.DeleteAsync($"/users/{target.Id}");

        demotion.StatusCode.Should().Be(HttpStatusCode.OK);
        await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        (await api.UserRowAsync(target.Id)).Should().Be(row);
    }

    [Fact]
    public async Task RemovingAUserRemovesTheirPhotoChatFilesAndSessions()
    {
        var user = await api.AccountAsync("user");
        using var client = api.WithToken(user.Token);
        await ImagesTests.UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "me.jpg");
        var image = await UploadChatFileAsync(client, SampleFiles.SmallJpeg, "part.jpg");
        var log = await UploadChatFileAsync(client, SampleFiles.Text(600_000), "pump.log");
        var session = (await client.PostAsJsonAsync("/api/v1/chat/sessions", new { title = "Pump" }).ReadJsonAsync())
            .GetProperty("id").GetGuid();
        await client.PostAsJsonAsync($"/api/v1/chat/sessions/{session}/messages",
            new { role = "user", content = "See both.", file_ids = new[] { image, log } }).ReadJsonAsync();
        var storedKeys = await api.Database.RowsAsync(
            $"SELECT storage_backend || ' ' || storage_key FROM chat_files WHERE owner_id = '{user.Id}' ORDER BY 1");
        var localFile = Path.Combine(api.DataDirectory, "media", storedKeys.Single(k => k.StartsWith("local ", StringComparison.Ordinal))[6..]);
        using var superAdmin = await api.SuperAdminAsync();
        var photoBefore = await superAdmin.GetAsync($"/images/users/{user.Id}/profile");
        var thumbnailBefore = await superAdmin.GetAsync($"/api/v1/chat/files/{image}/thumbnail");

        using var response = await superAdmin.DeleteAsync($"/users/{user.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        photoBefore.StatusCode.Should().Be(HttpStatusCode.OK);
        thumbnailBefore.StatusCode.Should().Be(HttpStatusCode.OK, "the thumbnail was served, so the serving cache holds it");
        storedKeys.Should().HaveCount(2).And.Contain(k => k.StartsWith("postgres ", StringComparison.Ordinal));
        (await api.UserRowAsync(user.Id)).Should().BeNull();
        (await api.Database.ScalarAsync<long>($"""
            SELECT (SELECT count(*) FROM chat_files WHERE owner_id = '{user.Id}')
                 + (SELECT count(*) FROM chat_sessions WHERE owner_id = '{user.Id}')
                 + (SELECT count(*) FROM chat_messages WHERE session_id = '{session}')
            """)).Should().Be(0);
        File.Exists(localFile).Should().BeFalse("the bytes in the video store are deleted after the commit");
        await api.ImagesShouldHaveNoOrphansAsync("after removing a user with a photo and chat files");
        (await superAdmin.GetAsync($"/images/users/{user.Id}/profile")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await superAdmin.GetAsync($"/api/v1/chat/files/{image}/thumbnail")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await superAdmin.GetAsync($"/users/{user.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        photoBefore.Dispose();
        thumbnailBefore.Dispose();
    }

    [Fact]
    public async Task ARefusedRemovalLeavesTheUsersPhotoAndFilesInPlace()
    {
        var admin = await api.AccountAsync("admin");
        var user = await api.AccountAsync("user", admin.OrganizationId);
        using var client = api.WithToken(user.Token);
        await ImagesTests.UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "me.jpg");
        await UploadChatFileAsync(client, SampleFiles.SmallJpeg, "part.jpg");
        var images = await api.StoredImagesAsync();
        var files = await api.Database.RowsAsync($"SELECT id FROM chat_files WHERE owner_id = '{user.Id}' ORDER BY 1");
        using var byAdmin = api.WithToken(admin.Token);

        using var response = await byAdmin.DeleteAsync($"/users/{user.Id}");

        await response.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        (await api.StoredImagesAsync()).Should().Be(images);
        (await api.Database.RowsAsync($"SELECT id FROM chat_files WHERE owner_id = '{user.Id}' ORDER BY 1")).Should().Equal(files);
        (await api.StatusWithTokenAsync(user.Token)).Should().Be(200);
    }

    private static async Task<Guid> UploadChatFileAsync(HttpClient client, byte[] bytes, string name)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", name } };
        var body = await client.PostAsync("/api/v1/chat/files", form).ReadJsonAsync();
        return body.GetProperty("uploads")[0].GetProperty("file_id").GetGuid();
    }
}
