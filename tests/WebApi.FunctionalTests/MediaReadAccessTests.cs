using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AbParts.Application.Images;
using AbParts.Tests.Support;
using AbParts.WebApi.Endpoints;
using AbParts.WebApi.ErrorHandling;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// Reading media follows reading its owner: a profile photo by the user's organization and super admins, a logo by
/// its organization's members and super admins, part media and videos by every signed-in user. "Not found" and "not
/// yours" are one answer, also when the image is answered from memory.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class MediaReadAccessTests(ApiFixture api)
{
    [Fact]
    public async Task AProfilePhotoIsReadByTheUsersOrganizationAndSuperAdminsOnly()
    {
        var (owner, organizationId, ownerId) = await api.UserAsync("user");
        using var colleague = await MediaAccess.MemberAsync(api, organizationId, "user");
        var (outsider, _, _) = await api.UserAsync("admin");
        using var superAdmin = await api.SuperAdminAsync();
        await ImagesTests.UploadAsync(owner, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "photo.jpg");
        var path = $"/images/users/{ownerId}/profile";

        var readers = await MediaAccess.StatusesAsync(path, owner, colleague, superAdmin);
        var refused = await MediaAccess.StatusesAsync(path, outsider);

        readers.Should().Equal(Enumerable.Repeat(HttpStatusCode.OK, 6), "GET and HEAD by each reader");
        refused.Should().Equal(HttpStatusCode.NotFound, HttpStatusCode.NotFound);
        owner.Dispose();
        outsider.Dispose();
    }

    [Fact]
    public async Task ALogoIsReadByItsOrganizationsMembersAndSuperAdminsOnly()
    {
        var (admin, organizationId, _) = await api.UserAsync("admin");
        using var member = await MediaAccess.MemberAsync(api, organizationId, "user");
        var (outsider, _, _) = await api.UserAsync("user");
        var (outsideAdmin, _, _) = await api.UserAsync("admin");
        using var superAdmin = await api.SuperAdminAsync();
        await ImagesTests.UploadAsync(admin, $"/uploads/organizations/{organizationId}/logo", SampleImages.PortraitPng, "logo.png");
        var path = $"/images/organizations/{organizationId}/logo";

        var readers = await MediaAccess.StatusesAsync(path, admin, member, superAdmin);
        var refused = await MediaAccess.StatusesAsync(path, outsider, outsideAdmin);

        readers.Should().Equal(Enumerable.Repeat(HttpStatusCode.OK, 6), "GET and HEAD by each reader");
        refused.Should().Equal(Enumerable.Repeat(HttpStatusCode.NotFound, 4), "GET and HEAD by each outsider");
        admin.Dispose();
        outsider.Dispose();
        outsideAdmin.Dispose();
    }

    [Fact]
    public async Task PartMediaAndSupportVideosAreReadByEverySignedInUser()
    {
        using var superAdmin = await api.SuperAdminAsync();
        var (user, _, _) = await api.UserAsync("user");
        var partId = await MediaAccess.PartWithImagesAsync(superAdmin, 1);
        var partVideo = await MediaAccess.UploadVideoAsync(superAdmin, $"/videos/parts/{partId}", "video_type", "installation");
        var supportVideo = await MediaAccess.UploadVideoAsync(superAdmin, "/videos/support", "category", "machine_setup");
        string[] paths =
        [
            $"/images/parts/{partId}/0", $"/images/parts/{partId}?index=0&size=100", $"/videos/{partVideo}/thumbnail",
            $"/videos/{supportVideo}/thumbnail?size=200", $"/videos/stream/{partVideo}", $"/videos/stream/{supportVideo}",
        ];

        var statuses = new List<HttpStatusCode>();
        foreach (var path in paths)
        {
            statuses.AddRange(await MediaAccess.StatusesAsync(path, user));
        }

        statuses.Should().Equal(Enumerable.Repeat(HttpStatusCode.OK, paths.Length * 2), string.Join(", ", paths));
        user.Dispose();
    }

    [Theory]
    [InlineData("profile photo")]
    [InlineData("logo")]
    public async Task AMissingImageAndAnotherOrganizationsImageGetTheSameAnswer(string kind)
    {
        var (owner, organizationId, ownerId) = await api.UserAsync("admin");
        var (bare, bareOrganizationId, bareId) = await api.UserAsync("admin");
        var (outsider, _, _) = await api.UserAsync("user");
        var (upload, path) = MediaAccess.Paths(kind, organizationId, ownerId);
        await ImagesTests.UploadAsync(owner, upload, SampleImages.MediumJpeg, "a.jpg");
        var (_, missing) = MediaAccess.Paths(kind, Guid.NewGuid(), Guid.NewGuid());
        var (_, withoutImage) = MediaAccess.Paths(kind, bareOrganizationId, bareId);

        using var notYours = await outsider.GetAsync(path);
        using var notThere = await outsider.GetAsync(missing);
        using var noImage = await outsider.GetAsync(withoutImage);

        var answer = await MediaAccess.AnswerAsync(notYours, 404);
        answer.Should().Be(await MediaAccess.AnswerAsync(notThere, 404)).And.Be(await MediaAccess.AnswerAsync(noImage, 404));
        answer.Should().NotContain(ownerId.ToString()).And.NotContain(organizationId.ToString());
        owner.Dispose();
        bare.Dispose();
        outsider.Dispose();
    }

    [Theory]
    [InlineData("profile photo", null)]
    [InlineData("profile photo", 100)]
    [InlineData("logo", null)]
    public async Task AnImageHeldInMemoryIsStillRefusedToAnotherOrganization(string kind, int? size)
    {
        var (owner, organizationId, ownerId) = await api.UserAsync("admin");
        var (outsider, _, _) = await api.UserAsync("user");
        var (upload, path) = MediaAccess.Paths(kind, organizationId, ownerId);
        await ImagesTests.UploadAsync(owner, upload, SampleImages.MediumJpeg, "a.jpg");
        var url = size is null ? path : $"{path}?size={size}";
        ImageTarget target = kind == "logo" ? new ImageTarget.OrganizationLogo(organizationId) : new ImageTarget.UserProfile(ownerId);
        using var read = await owner.GetAsync(url);
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        api.Services.GetRequiredService<ImageCache>().TryGet(target, size, out _).Should().BeTrue("the owner's read filled the cache");
        var (_, missing) = MediaAccess.Paths(kind, Guid.NewGuid(), Guid.NewGuid());

        using var refused = await outsider.GetAsync(url);
        using var head = await outsider.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        using var notThere = await outsider.GetAsync(missing);

        (await MediaAccess.AnswerAsync(refused, 404)).Should().Be(await MediaAccess.AnswerAsync(notThere, 404));
        head.StatusCode.Should().Be(HttpStatusCode.NotFound);
        owner.Dispose();
        outsider.Dispose();
    }

    [Fact]
    public async Task AChatThumbnailHeldInMemoryIsStillRefusedToAnotherUser()
    {
        var (owner, organizationId, _) = await api.UserAsync("user");
        using var colleague = await MediaAccess.MemberAsync(api, organizationId, "user");
        using var form = new MultipartFormDataContent
        {
            { MediaAccess.Jpeg(SampleImages.MediumJpeg), "file", "photo.jpg" },
        };
        var upload = (await owner.PostAsync("/api/v1/chat/files", form).ReadJsonAsync()).GetProperty("uploads")[0];
        var fileId = upload.GetProperty("file_id").GetGuid();
        var path = $"/api/v1/chat/files/{fileId}/thumbnail?size=100";
        using var read = await owner.GetAsync(path);
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        api.Services.GetRequiredService<ImageCache>().TryGet(new ImageTarget.ChatFileThumbnail(fileId), 100, out _)
            .Should().BeTrue("the owner's read filled the cache");

        using var refused = await colleague.GetAsync(path);

        var problem = await refused.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        problem.GetProperty("detail").GetString().Should().Be($"File '{fileId}' was not found.", "as for a file that does not exist");
        owner.Dispose();
    }
}

/// <summary>Helpers of the media access tests.</summary>
internal static class MediaAccess
{
    /// <summary>A user with <paramref name="role"/> in an existing organization, signed in.</summary>
    public static async Task<HttpClient> MemberAsync(ApiFixture api, Guid organizationId, string role)
    {
        using var admin = await api.SuperAdminAsync();
        var username = $"m{Guid.NewGuid():N}"[..16];
        await admin.PostAsJsonAsync("/users",
            new { username, password = "user-password-1", organization_id = organizationId, role }).ReadJsonAsync();
        return api.WithToken(await api.SignInAsync(username, "user-password-1"));
    }

    /// <summary>The statuses of a GET and a HEAD of <paramref name="path"/> by each client.</summary>
    public static async Task<List<HttpStatusCode>> StatusesAsync(string path, params HttpClient[] clients)
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var client in clients)
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
            {
                using var response = await client.SendAsync(new HttpRequestMessage(method, path));
                statuses.Add(response.StatusCode);
            }
        }

        return statuses;
    }

    /// <summary>Where an image of <paramref name="kind"/> is uploaded and served.</summary>
    public static (string Upload, string Path) Paths(string kind, Guid organizationId, Guid userId) => kind switch
    {
        "profile photo" => ("/uploads/users/profile-photo", $"/images/users/{userId}/profile"),
        "logo" => ($"/uploads/organizations/{organizationId}/logo", $"/images/organizations/{organizationId}/logo"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind of image."),
    };

    /// <summary>
    /// Everything a caller sees of a problem answer: status, content type and the body byte for byte, with only
    /// <c>instance</c> (the request's own path) and <c>trace_id</c> blanked, which name the request, not the image.
    /// </summary>
    public static async Task<string> AnswerAsync(HttpResponseMessage response, int status)
    {
        var problem = await response.ShouldBeProblemAsync(status, ProblemTypes.NotFound);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var member in new[] { "instance", "trace_id" })
        {
            var value = JsonSerializer.Serialize(problem.GetProperty(member).GetString());
            text = text.Replace($"\"{member}\":{value}", $"\"{member}\":\"…\"", StringComparison.Ordinal);
            text.Should().Contain($"\"{member}\":\"…\"", "only the member's value is blanked");
        }

        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {text}";
    }

    /// <summary>A part with <paramref name="count"/> images, each uploaded on its own; returns its id.</summary>
    public static async Task<Guid> PartWithImagesAsync(HttpClient superAdmin, int count)
    {
        var part = (await superAdmin.PostAsJsonAsync("/parts", new { part_number = $"A-{Guid.NewGuid():N}"[..20], name = "Liner" })
            .ReadJsonAsync()).GetProperty("id").GetGuid();
        byte[][] samples = [SampleImages.MediumJpeg, SampleImages.PortraitPng, SampleImages.LargeJpeg];
        for (var i = 0; i < count; i++)
        {
            await ImagesTests.UploadAsync(superAdmin, $"/uploads/parts/{part}/images", samples[i % samples.Length], $"{i}.jpg");
        }

        return part;
    }

    /// <summary>Uploads the sample MP4 (which gets a poster); returns the video's id.</summary>
    public static async Task<Guid> UploadVideoAsync(HttpClient superAdmin, string path, string kindField, string kind)
    {
        var video = new ByteArrayContent(SampleVideos.Mp4);
        video.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Fitting the liner"), "title" },
            { new StringContent(kind), kindField },
            { video, "file", "clip.mp4" },
        };
        var body = await superAdmin.PostAsync(path, form).ReadJsonAsync();
        body.GetProperty("thumbnail_url").ValueKind.Should().Be(JsonValueKind.String, "the sample video has a poster");
        return body.GetProperty("id").GetGuid();
    }

    public static ByteArrayContent Jpeg(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }
}
