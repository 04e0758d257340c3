using System.Net;
using AbParts.Application.Images;
using AbParts.Tests.Support;
using AbParts.WebApi.Auth;
using AbParts.WebApi.Endpoints;
using AbParts.WebApi.ErrorHandling;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// A signed image URL is pinned to the version it was issued for: once the image behind it is replaced, removed or
/// moved, it answers the 404 of a missing image and never other bytes, also when the image is held in memory.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class SignedUrlVersionTests(ApiFixture api)
{
    [Theory]
    [InlineData("profile photo")]
    [InlineData("logo")]
    public async Task AnOldSignedUrlAnswers404OnceTheImageIsReplacedAndTheNewOneServesTheReplacement(string kind)
    {
        var (owner, organizationId, ownerId) = await api.UserAsync("admin");
        using var anonymous = api.Anonymous();
        var (upload, _) = MediaAccess.Paths(kind, organizationId, ownerId);
        var old = await SignedUrlAsync(owner, upload, SampleImages.MediumJpeg);
        var oldBytes = await ReadAsync(anonymous, old); // also fills the cache
        var fresh = await SignedUrlAsync(owner, upload, SampleImages.PortraitPng);

        using var stale = await anonymous.GetAsync(old);
        using var staleHead = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, old));
        var freshBytes = await ReadAsync(anonymous, fresh);

        await ShouldBeMissingAsync(stale, kind);
        staleHead.StatusCode.Should().Be(HttpStatusCode.NotFound);
        freshBytes.Should().NotEqual(oldBytes);
        owner.Dispose();
    }

    [Theory]
    [InlineData("profile photo")]
    [InlineData("logo")]
    public async Task ASignedUrlAnswers404OnceTheImageIsRemoved(string kind)
    {
        var (owner, organizationId, ownerId) = await api.UserAsync("admin");
        using var anonymous = api.Anonymous();
        var (upload, _) = MediaAccess.Paths(kind, organizationId, ownerId);
        var url = await SignedUrlAsync(owner, upload, SampleImages.MediumJpeg);
        await ReadAsync(anonymous, url);
        using var removed = await owner.DeleteAsync(upload);
        removed.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var response = await anonymous.GetAsync(url);

        await ShouldBeMissingAsync(response, kind);
        owner.Dispose();
    }

    [Fact]
    public async Task SignedPartImageUrlsAnswer404OnceARemovalMovesTheImagesBehindThem()
    {
        using var superAdmin = await api.SuperAdminAsync();
        using var anonymous = api.Anonymous();
        var (partId, urls) = await PartAsync(superAdmin, 3);
        var second = await ReadAsync(anonymous, urls[1]);
        var third = await ReadAsync(anonymous, urls[2]);
        using var removed = await superAdmin.DeleteAsync($"/uploads/parts/{partId}/images/0");
        removed.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var moved = await anonymous.GetAsync(urls[1]);
        using var gone = await anonymous.GetAsync(urls[2]);
        using var nowSecond = await superAdmin.GetAsync($"/images/parts/{partId}/1");

        await moved.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        await gone.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        (await nowSecond.Content.ReadAsByteArrayAsync()).Should().Equal(third, "index 1 now holds what was the third image");
        second.Should().NotEqual(third);
    }

    [Fact]
    public async Task SignedPartImageUrlsAnswer404OnceAReorderMovesTheImagesBehindThem()
    {
        using var superAdmin = await api.SuperAdminAsync();
        using var anonymous = api.Anonymous();
        var (partId, urls) = await PartAsync(superAdmin, 2);
        var first = await ReadAsync(anonymous, urls[0]);
        await ReadAsync(anonymous, urls[1]);
        using var reordered = await superAdmin.PutAsync($"/uploads/parts/{partId}/images/order",
            new StringContent("""{"order":[1,0]}""", System.Text.Encoding.UTF8, "application/json"));
        reordered.StatusCode.Should().Be(HttpStatusCode.OK, await reordered.Content.ReadAsStringAsync());

        using var oldFirst = await anonymous.GetAsync(urls[0]);
        using var oldSecond = await anonymous.GetAsync(urls[1]);
        using var nowSecond = await superAdmin.GetAsync($"/images/parts/{partId}/1");

        await oldFirst.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        await oldSecond.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        (await nowSecond.Content.ReadAsByteArrayAsync()).Should().Equal(first, "the first image moved to index 1");
    }

    [Fact]
    public async Task ABearerRequestNamingAnOldVersionGetsTheCurrentImageButNotAsImmutable()
    {
        var (owner, _, ownerId) = await api.UserAsync("user");
        var old = Version(await SignedUrlAsync(owner, "/uploads/users/profile-photo", SampleImages.MediumJpeg));
        var current = Version(await SignedUrlAsync(owner, "/uploads/users/profile-photo", SampleImages.PortraitPng));
        var path = $"/images/users/{ownerId}/profile";

        using var stale = await owner.GetAsync($"{path}?v={old}");
        using var pinned = await owner.GetAsync($"{path}?v={current}");
        using var staleThumbnail = await owner.GetAsync($"{path}?size=100&v={old}");
        using var pinnedThumbnail = await owner.GetAsync($"{path}?size=100&v={current}");

        stale.StatusCode.Should().Be(HttpStatusCode.OK);
        stale.Headers.ETag!.Tag.Should().StartWith($"\"{current}");
        stale.Headers.CacheControl!.ToString().Should().NotContain("immutable");
        staleThumbnail.Headers.CacheControl!.ToString().Should().NotContain("immutable");
        pinned.Headers.CacheControl!.ToString().Should().Contain("immutable");
        pinnedThumbnail.Headers.CacheControl!.ToString().Should().Contain("immutable", "v names the image, whichever size is served");
        owner.Dispose();
    }

    [Fact]
    public async Task ASignedThumbnailUrlNamesTheImagesVersionAndNoOther()
    {
        var (owner, _, ownerId) = await api.UserAsync("user");
        var version = Version(await SignedUrlAsync(owner, "/uploads/users/profile-photo", SampleImages.MediumJpeg));
        var path = $"/images/users/{ownerId}/profile";
        using var thumbnail = await owner.GetAsync($"{path}?size=100");
        var thumbnailVersion = thumbnail.Headers.ETag!.Tag.Trim('"')[..ImagesEndpoints.VersionLength];
        var signer = api.Services.GetRequiredService<UrlSigner>();
        using var anonymous = api.Anonymous();

        using var byImageVersion = await anonymous.GetAsync(signer.Sign($"{path}?size=100&v={version}"));
        using var byThumbnailVersion = await anonymous.GetAsync(signer.Sign($"{path}?size=100&v={thumbnailVersion}"));
        using var withoutVersion = await anonymous.GetAsync(signer.Sign(path));

        byImageVersion.StatusCode.Should().Be(HttpStatusCode.OK);
        (await byImageVersion.Content.ReadAsByteArrayAsync()).Should().Equal(await thumbnail.Content.ReadAsByteArrayAsync());
        byImageVersion.Headers.CacheControl!.ToString().Should().Contain("immutable");
        await byThumbnailVersion.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        await withoutVersion.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        thumbnailVersion.Should().NotBe(version);
        owner.Dispose();
    }

    [Fact]
    public async Task AnOldSignedUrlIsRefusedEvenWhenTheCurrentImageIsHeldInMemory()
    {
        var (owner, _, ownerId) = await api.UserAsync("user");
        using var anonymous = api.Anonymous();
        var old = await SignedUrlAsync(owner, "/uploads/users/profile-photo", SampleImages.MediumJpeg);
        var fresh = await SignedUrlAsync(owner, "/uploads/users/profile-photo", SampleImages.PortraitPng);
        var current = await ReadAsync(anonymous, fresh);
        api.Services.GetRequiredService<ImageCache>().TryGet(new ImageTarget.UserProfile(ownerId), null, out var held)
            .Should().BeTrue("the fresh URL's read filled the cache");

        using var stale = await anonymous.GetAsync(old);

        await ShouldBeMissingAsync(stale, "profile photo");
        held!.Bytes.Should().Equal(current);
        owner.Dispose();
    }

    /// <summary>Uploads an image and returns the signed URL of the answer.</summary>
    private static async Task<string> SignedUrlAsync(HttpClient client, string upload, byte[] bytes) =>
        (await ImagesTests.UploadAsync(client, upload, bytes, "image.jpg")).GetProperty("url").GetString()!;

    private static string Version(string url) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(new Uri("http://x"), url).Query)["v"].ToString();

    private static async Task<byte[]> ReadAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK, url);
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The answer of a missing image: the very one an unknown owner gets.</summary>
    private async Task ShouldBeMissingAsync(HttpResponseMessage response, string kind)
    {
        using var superAdmin = await api.SuperAdminAsync();
        var (_, missing) = MediaAccess.Paths(kind, Guid.NewGuid(), Guid.NewGuid());
        using var notThere = await superAdmin.GetAsync(missing);
        var answer = await MediaAccess.AnswerAsync(response, 404);
        answer.Should().Be(await MediaAccess.AnswerAsync(notThere, 404));
    }

    /// <summary>A part with <paramref name="count"/> images uploaded one by one, and the signed URL each upload answered.</summary>
    private static async Task<(Guid PartId, List<string> Urls)> PartAsync(HttpClient superAdmin, int count)
    {
        var partId = await MediaAccess.PartWithImagesAsync(superAdmin, 0);
        byte[][] samples = [SampleImages.MediumJpeg, SampleImages.PortraitPng, SampleImages.LargeJpeg];
        var urls = new List<string>();
        for (var i = 0; i < count; i++)
        {
            urls.Add(await SignedUrlAsync(superAdmin, $"/uploads/parts/{partId}/images", samples[i]));
        }

        urls.Select(u => u.Split('?')[0]).Should().Equal(Enumerable.Range(0, count).Select(i => $"/images/parts/{partId}/{i}"));
        return (partId, urls);
    }
}
