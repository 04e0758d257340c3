using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AbParts.Tests.Support;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// Answers about users, organizations and parts link to their images with signed URLs pinned to the image's version
/// (the full image and each thumbnail size), handed only to callers who may read the image.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class ImageLinksTests(ApiFixture api)
{
    private static readonly int[] Swapped = [1, 0];

    [Fact]
    public async Task TheSignedInUserSeesThemselvesWithoutAPhotoUntilTheyUploadOne()
    {
        var (client, organizationId, userId) = await api.UserAsync("admin");
        using (client)
        {
            var before = await client.GetAsync("/users/me").ReadJsonAsync();
            await UploadAsync(client, "/uploads/users/profile-photo");

            var after = await client.GetAsync("/users/me").ReadJsonAsync();

            before.GetProperty("id").GetGuid().Should().Be(userId);
            before.GetProperty("role").GetString().Should().Be("admin");
            before.GetProperty("organization_id").GetGuid().Should().Be(organizationId);
            before.GetProperty("profile_photo").ValueKind.Should().Be(JsonValueKind.Null);
            await ShouldServeImageAsync(after.GetProperty("profile_photo"), $"/images/users/{userId}/profile");
        }
    }

    [Fact]
    public async Task ColleaguesAndSuperAdminsGetAUsersPhotoLinksAndOtherOrganizationsGet404()
    {
        var (owner, organizationId, ownerId) = await api.UserAsync("user");
        using var superAdmin = await api.SuperAdminAsync();
        using var colleague = await ColleagueAsync(superAdmin, organizationId);
        var (outsider, _, _) = await api.UserAsync("admin");
        using (owner)
        using (outsider)
        {
            await UploadAsync(owner, "/uploads/users/profile-photo");

            var byColleague = await colleague.GetAsync($"/users/{ownerId}").ReadJsonAsync();
            var bySuperAdmin = await superAdmin.GetAsync($"/users/{ownerId}").ReadJsonAsync();
            var listed = await colleague.GetAsync("/users?page_size=100").ReadJsonAsync();
            using var byOutsider = await outsider.GetAsync($"/users/{ownerId}");

            await ShouldServeImageAsync(byColleague.GetProperty("profile_photo"), $"/images/users/{ownerId}/profile");
            await ShouldServeImageAsync(bySuperAdmin.GetProperty("profile_photo"), $"/images/users/{ownerId}/profile");
            listed.GetProperty("items").EnumerateArray().Single(u => u.GetProperty("id").GetGuid() == ownerId)
                .GetProperty("profile_photo").GetProperty("url").GetString().Should().StartWith($"/images/users/{ownerId}/profile?");
            await byOutsider.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        }
    }

    [Fact]
    public async Task MembersGetTheirOrganizationsLogoLinksAndOtherOrganizationsGet404()
    {
        var (admin, organizationId, _) = await api.UserAsync("admin");
        using var superAdmin = await api.SuperAdminAsync();
        using var member = await ColleagueAsync(superAdmin, organizationId);
        var (outsider, _, _) = await api.UserAsync("admin");
        using (admin)
        using (outsider)
        {
            var before = await member.GetAsync($"/organizations/{organizationId}").ReadJsonAsync();
            await UploadAsync(admin, $"/uploads/organizations/{organizationId}/logo");

            var after = await member.GetAsync($"/organizations/{organizationId}").ReadJsonAsync();
            var listed = await member.GetAsync("/organizations").ReadJsonAsync();
            using var byOutsider = await outsider.GetAsync($"/organizations/{organizationId}");

            before.GetProperty("logo").ValueKind.Should().Be(JsonValueKind.Null);
            await ShouldServeImageAsync(after.GetProperty("logo"), $"/images/organizations/{organizationId}/logo");
            Version(listed.GetProperty("items")[0].GetProperty("logo")).Should().Be(Version(after.GetProperty("logo")));
            await byOutsider.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        }
    }

    [Fact]
    public async Task APartListsItsGalleryInOrderAndAReorderMovesEachImagesPinnedUrl()
    {
        using var superAdmin = await api.SuperAdminAsync();
        var (user, _, _) = await api.UserAsync("user");
        using (user)
        {
            var partId = await PartAsync(superAdmin);
            using var form = new MultipartFormDataContent
            {
                { new ByteArrayContent(SampleImages.MediumJpeg), "file", "a.jpg" },
                { new ByteArrayContent(SampleImages.PortraitPng), "file", "b.png" },
            };
            (await superAdmin.PostAsync($"/uploads/parts/{partId}/images", form)).EnsureSuccessStatusCode();
            var before = (await user.GetAsync($"/parts/{partId}").ReadJsonAsync()).GetProperty("images");
            (await superAdmin.PutAsJsonAsync($"/uploads/parts/{partId}/images/order", new { order = Swapped }))
                .EnsureSuccessStatusCode();

            var after = (await user.GetAsync($"/parts/{partId}").ReadJsonAsync()).GetProperty("images");
            var listed = await user.GetAsync("/parts?page_size=100").ReadJsonAsync();
            using var anonymous = api.Anonymous();
            using var stale = await anonymous.GetAsync(before[0].GetProperty("url").GetString());

            before.EnumerateArray().Select(i => i.GetProperty("index").GetInt32()).Should().Equal(0, 1);
            await ShouldServeImageAsync(after[0], $"/images/parts/{partId}/0");
            await ShouldServeImageAsync(after[1], $"/images/parts/{partId}/1");
            Version(after[0]).Should().Be(Version(before[1]), "the second image moved to the front");
            Version(after[1]).Should().Be(Version(before[0]));
            await stale.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
            listed.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == partId)
                .GetProperty("images").GetArrayLength().Should().Be(2);
        }
    }

    [Fact]
    public async Task APartWithoutImagesHasAnEmptyGallery()
    {
        using var superAdmin = await api.SuperAdminAsync();

        var part = await superAdmin.GetAsync($"/parts/{await PartAsync(superAdmin)}").ReadJsonAsync();

        part.GetProperty("images").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task AnonymousCallersCannotAskWhoTheyAre()
    {
        using var anonymous = api.Anonymous();

        using var response = await anonymous.GetAsync("/users/me");

        await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
    }

    /// <summary>
    /// The links name the image's path pinned with <c>v</c>; each works without a token and serves WebP, the
    /// thumbnails 100, 200 and 300 px (a size added to a signed URL by hand would break its signature).
    /// </summary>
    private async Task ShouldServeImageAsync(JsonElement links, string path)
    {
        using var anonymous = api.Anonymous();
        var url = links.GetProperty("url").GetString()!;
        url.Should().StartWith($"{path}?v=").And.Contain("&sig=");
        var full = await ReadWebpAsync(anonymous, url);
        var thumbnails = links.GetProperty("thumbnails");
        thumbnails.EnumerateObject().Select(t => t.Name).Should().Equal("100", "200", "300");
        foreach (var thumbnail in thumbnails.EnumerateObject())
        {
            var size = int.Parse(thumbnail.Name, System.Globalization.CultureInfo.InvariantCulture);
            thumbnail.Value.GetString().Should().StartWith($"{path}?size={size}&v={Version(links)}&");
            var info = WebpInspector.Read(await ReadWebpAsync(anonymous, thumbnail.Value.GetString()!));
            Math.Max(info.Width, info.Height).Should().BeLessThanOrEqualTo(size);
        }

        WebpInspector.Read(full).Width.Should().BeGreaterThan(300);
    }

    private static async Task<byte[]> ReadWebpAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK, url);
        response.Content.Headers.ContentType!.MediaType.Should().Be("image/webp");
        response.Headers.CacheControl!.ToString().Should().Contain("immutable", "the URL names the current version");
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static string Version(JsonElement links) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(new Uri("http://x"), links.GetProperty("url").GetString()).Query)["v"]!;

    private static async Task UploadAsync(HttpClient client, string path)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(SampleImages.MediumJpeg), "file", "photo.jpg" } };
        using var response = await client.PostAsync(path, form);
        response.EnsureSuccessStatusCode();
    }

    private async Task<HttpClient> ColleagueAsync(HttpClient superAdmin, Guid organizationId)
    {
        var username = $"c{Guid.NewGuid():N}"[..16];
        (await superAdmin.PostAsJsonAsync("/users",
            new { username, password = "user-password-1", organization_id = organizationId, role = "user" })).EnsureSuccessStatusCode();
        return api.WithToken(await api.SignInAsync(username, "user-password-1"));
    }

    private static async Task<Guid> PartAsync(HttpClient superAdmin) =>
        (await superAdmin.PostAsJsonAsync("/parts", new { part_number = $"GL-{Guid.NewGuid():N}"[..20], name = "Pump" })
            .ReadJsonAsync()).GetProperty("id").GetGuid();
}
