using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using AbParts.Tests.Support;
using AbParts.WebApi.Auth;
using AbParts.WebApi.ErrorHandling;
using Microsoft.Extensions.Options;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>Uploading and serving images end to end: real photographs through libvips into PostgreSQL and back.</summary>
[Collection(ApiTestGroup.Name)]
public sealed class ImagesTests(ApiFixture api)
{
    [Fact]
    public async Task ProfilePhotoIsCompressedToWebpWithinTheLimitsAndServedWithItsVersionedSignedUrl()
    {
        var (client, _, userId) = await api.UserAsync("user");

        var upload = await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.LargeJpeg, "photo.jpg");
        var url = upload.GetProperty("url").GetString()!;
        using var anonymous = api.Anonymous();
        using var served = await anonymous.GetAsync(url);
        var bytes = await served.Content.ReadAsByteArrayAsync();

        upload.GetProperty("content_type").GetString().Should().Be("image/webp");
        upload.GetProperty("width").GetInt32().Should().Be(1024);
        upload.GetProperty("height").GetInt32().Should().Be(576);
        upload.GetProperty("size").GetInt64().Should().BeInRange(1, 512_000);
        url.Should().StartWith($"/images/users/{userId}/profile?v=").And.Contain("&exp=").And.Contain("&sig=");
        served.StatusCode.Should().Be(HttpStatusCode.OK);
        served.Content.Headers.ContentType!.MediaType.Should().Be("image/webp");
        served.Content.Headers.ContentLength.Should().Be(upload.GetProperty("size").GetInt64());
        served.Headers.CacheControl!.ToString().Should().Contain("max-age=3600").And.Contain("immutable");
        SampleImages.WebpSize(bytes).Should().Be((1024, 576, false));
        client.Dispose();
    }

    [Fact]
    public async Task ServedImagesCarryAStrongETagAndAnswer304ToIfNoneMatch()
    {
        var (client, _, userId) = await api.UserAsync("user");
        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "photo.jpg");

        using var first = await client.GetAsync($"/images/users/{userId}/profile");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/images/users/{userId}/profile");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(request);

        first.Headers.ETag!.IsWeak.Should().BeFalse();
        first.Headers.ETag.Tag.Should().MatchRegex("^\"[0-9a-f]{64}\"$");
        first.Headers.CacheControl!.ToString().Should().Contain("max-age=3600").And.NotContain("immutable");
        second.StatusCode.Should().Be(HttpStatusCode.NotModified);
        (await second.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        second.Headers.ETag.Should().Be(first.Headers.ETag);
        client.Dispose();
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(300)]
    public async Task ThumbnailsAreServedAtTheirSizeAndCachedForADay(int size)
    {
        var (client, _, userId) = await api.UserAsync("user");
        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.PortraitPng, "portrait.png");

        using var response = await client.GetAsync($"/images/users/{userId}/profile?size={size}");
        var (width, height, _) = SampleImages.WebpSize(await response.Content.ReadAsByteArrayAsync());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.MaxAge.Should().Be(TimeSpan.FromDays(1));
        Math.Max(width, height).Should().Be(size);
        height.Should().BeGreaterThan(width, "the portrait stays portrait");
        client.Dispose();
    }

    [Theory]
    [InlineData("150")]
    [InlineData("0")]
    [InlineData("1024")]
    public async Task AnyOtherThumbnailSizeIs400(string size)
    {
        var (client, _, userId) = await api.UserAsync("user");
        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.PortraitPng, "portrait.png");

        using var response = await client.GetAsync($"/images/users/{userId}/profile?size={size}");

        await response.ShouldBeProblemAsync(400, ProblemTypes.Validation);
        client.Dispose();
    }

    [Fact]
    public async Task ReplacingAPhotoRemovesTheOldBytes()
    {
        var (client, _, userId) = await api.UserAsync("user");
        var first = await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "a.jpg");
        var blobsAfterFirst = await BlobCountAsync();

        var second = await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.PortraitPng, "b.png");
        using var current = await client.GetAsync($"/images/users/{userId}/profile");

        (await BlobCountAsync()).Should().Be(blobsAfterFirst, "the new image and thumbnails replace the old ones");
        second.GetProperty("url").GetString().Should().NotBe(first.GetProperty("url").GetString());
        SampleImages.WebpSize(await current.Content.ReadAsByteArrayAsync()).Height.Should().Be(1024);
        client.Dispose();
    }

    [Fact]
    public async Task AReplacedPhotoIsServedFreshAtOnceEvenRightAfterTheOldOneWasServed()
    {
        var (client, _, userId) = await api.UserAsync("user");
        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "a.jpg");
        using var before = await client.GetAsync($"/images/users/{userId}/profile");

        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.PortraitPng, "b.png");
        using var after = await client.GetAsync($"/images/users/{userId}/profile");

        after.Headers.ETag.Should().NotBe(before.Headers.ETag);
        SampleImages.WebpSize(await after.Content.ReadAsByteArrayAsync()).Height.Should().Be(1024);
        client.Dispose();
    }

    [Fact]
    public async Task AnImageServedFromMemoryStillNeedsAuthentication()
    {
        var (client, _, userId) = await api.UserAsync("user");
        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "a.jpg");
        using var cached = await client.GetAsync($"/images/users/{userId}/profile");
        using var anonymous = api.Anonymous();

        using var response = await anonymous.GetAsync($"/images/users/{userId}/profile");

        cached.StatusCode.Should().Be(HttpStatusCode.OK);
        await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        client.Dispose();
    }

    [Fact]
    public async Task AnImageServedFromMemoryRefusesAnAlteredSignedUrl()
    {
        var (client, _, _) = await api.UserAsync("user");
        var url = (await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "a.jpg")).GetProperty("url").GetString()!;
        using var anonymous = api.Anonymous();
        using var cached = await anonymous.GetAsync(url);

        using var altered = await anonymous.GetAsync(url.Replace("&exp=", "&exp=9", StringComparison.Ordinal));
        using var thumbnail = await anonymous.GetAsync(url + "&size=100");

        cached.StatusCode.Should().Be(HttpStatusCode.OK);
        await altered.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        await thumbnail.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        client.Dispose();
    }

    [Fact]
    public async Task AnImageServedFromMemoryAnswersConditionalAndHeadRequestsLikeTheFirstTime()
    {
        var (client, _, userId) = await api.UserAsync("user");
        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "a.jpg");
        var path = $"/images/users/{userId}/profile?size=200";
        using var first = await client.GetAsync(path);
        var bytes = await first.Content.ReadAsByteArrayAsync();

        using var second = await client.GetAsync(path);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { IfNoneMatch = { first.Headers.ETag! } } };
        using var notModified = await client.SendAsync(conditional);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        (await second.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
        second.Headers.ETag.Should().Be(first.Headers.ETag);
        second.Headers.CacheControl!.ToString().Should().Be(first.Headers.CacheControl!.ToString());
        second.Content.Headers.LastModified.Should().Be(first.Content.Headers.LastModified);
        notModified.StatusCode.Should().Be(HttpStatusCode.NotModified);
        (await notModified.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        notModified.Headers.ETag.Should().Be(first.Headers.ETag);
        head.StatusCode.Should().Be(HttpStatusCode.OK);
        head.Content.Headers.ContentLength.Should().Be(bytes.Length);
        (await head.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        client.Dispose();
    }

    [Fact]
    public async Task DeletingThePhotoRemovesItsRowsAndBytes()
    {
        var (client, _, userId) = await api.UserAsync("user");
        var blobsBefore = await BlobCountAsync();
        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "a.jpg");

        using var servedBefore = await client.GetAsync($"/images/users/{userId}/profile");
        using var deleted = await client.DeleteAsync("/uploads/users/profile-photo");
        using var served = await client.GetAsync($"/images/users/{userId}/profile");
        using var again = await client.DeleteAsync("/uploads/users/profile-photo");

        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await served.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        await again.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        (await BlobCountAsync()).Should().Be(blobsBefore);
        client.Dispose();
    }

    private const string NotAnImageWeAccept = "*not an image in a format we accept*JPEG, PNG, WebP, GIF, TIFF, HEIC/HEIF or AVIF*";

    /// <summary>
    /// Every hostile input of the adapter tests (HostileImageInputTests) that fits in an upload, with the status
    /// and the start of the detail it must get.
    /// </summary>
    public static TheoryData<string, string, int, string> HostileUploads() => new()
    {
        { "zero bytes", "empty", 415, "The file is empty.*" },
        { "text renamed .jpg", "text", 415, NotAnImageWeAccept },
        { "SVG", "svg", 415, NotAnImageWeAccept },
        { "SVG with a script", "svg-script", 415, NotAnImageWeAccept },
        { "BMP", "bmp", 415, NotAnImageWeAccept },
        { "PDF", "pdf", 415, NotAnImageWeAccept },
        { "PPM", "ppm", 415, NotAnImageWeAccept },
        { "truncated JPEG", "truncated", 422, "The JPEG image could not be decoded: *" },
        { "truncated progressive JPEG", "truncated-progressive", 422, "The JPEG image could not be decoded: *" },
        { "truncated HEIC", "truncated-heic", 422, "The HEIF image could not be *: ?*" },
        { "garbage after a JPEG magic", "garbage-jpeg", 422, "The JPEG image could not be *: ?*" },
        { "garbage after a PNG signature", "garbage-png", 422, "The PNG image could not be *: ?*" },
        { "PNG declaring 30000x30000", "huge-png", 422, "The image is 30000x30000 pixels (900 megapixels); at most 50,000,000 pixels*" },
        { "progressive JPEG repeating its luma scan 3000 times", "repeated-scan", 422, "The JPEG has more than 100 scans;*" },
    };

    [Theory]
    [MemberData(nameof(HostileUploads))]
    public async Task HostileUploadsGetAClearProblemAndChangeNothing(string what, string kind, int status, string detail)
    {
        var (client, _, userId) = await api.UserAsync("user");
        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "photo.jpg");
        var photoBefore = await ServedPhotoAsync(client, userId);
        var before = await api.StoredImagesAsync();
        var bytes = kind switch
        {
            "empty" => [],
            "text" => SampleImages.Text,
            "svg" => SampleImages.Svg,
            "svg-script" => ImageBytes.SvgWithScript,
            "bmp" => SampleImages.Bmp,
            "pdf" => ImageBytes.PdfHeader,
            "ppm" => ImageBytes.Ppm(64, 48),
            "truncated" => SampleImages.TruncatedJpeg,
            "truncated-progressive" => SampleImages.LargeJpeg[..(SampleImages.LargeJpeg.Length / 2)],
            "garbage-jpeg" => ImageBytes.GarbageAfter([0xff, 0xd8, 0xff, 0xe0], 4096, seed: 1),
            "garbage-png" => ImageBytes.GarbageAfter([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 4096, seed: 2),
            "huge-png" => SampleImages.PngDeclaring(30_000, 30_000),
            "repeated-scan" => HostileJpegs.RepeatedLumaAcScan(3_000),
            "truncated-heic" => SampleImages.Heic[..(SampleImages.Heic.Length * 2 / 3)],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await PostFileAsync(client, "/uploads/users/profile-photo", bytes, "photo.jpg");

        var problem = await response.ShouldBeProblemAsync(status, status == 415 ? ProblemTypes.UnsupportedMediaType : ProblemTypes.InvalidMedia);
        problem.GetProperty("detail").GetString().Should().Match(detail, what);
        (await api.StoredImagesAsync()).Should().Be(before, $"a refused {what} leaves the rows and the stored bytes as they were");
        await api.ImagesShouldHaveNoOrphansAsync($"after a refused {what}");
        (await ServedPhotoAsync(client, userId)).Should().Be(photoBefore, "the photo set before is still served, unchanged");
        using var live = await api.Anonymous().GetAsync("/health/live");
        live.StatusCode.Should().Be(HttpStatusCode.OK, "the process survived");
        client.Dispose();
    }

    [Fact]
    public async Task AnUploadOverTheInputLimitIs413()
    {
        var (client, _, _) = await api.UserAsync("user");
        var before = await api.StoredImagesAsync();

        using var response = await PostFileAsync(client, "/uploads/users/profile-photo", new byte[21 * 1024 * 1024], "big.jpg");

        await response.ShouldBeProblemAsync(413, ProblemTypes.PayloadTooLarge);
        (await api.StoredImagesAsync()).Should().Be(before);
        client.Dispose();
    }

    [Fact]
    public async Task AMissingFileFieldIs400()
    {
        var (client, _, _) = await api.UserAsync("user");
        using var form = new MultipartFormDataContent { { new StringContent("x"), "not_file" } };

        using var response = await client.PostAsync("/uploads/users/profile-photo", form);

        ((int)response.StatusCode).Should().Be(400);
        client.Dispose();
    }

    [Fact]
    public async Task ReadingNeedsATokenOrASignedUrl()
    {
        var (client, _, userId) = await api.UserAsync("user");
        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "a.jpg");
        using var anonymous = api.Anonymous();

        using var response = await anonymous.GetAsync($"/images/users/{userId}/profile");

        await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        client.Dispose();
    }

    [Fact]
    public async Task ASignedUrlCannotBeAlteredToReachAnotherImageOrSize()
    {
        var (alice, _, _) = await api.UserAsync("user");
        var (bob, _, bobId) = await api.UserAsync("user");
        var url = (await UploadAsync(alice, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "a.jpg")).GetProperty("url").GetString()!;
        await UploadAsync(bob, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "b.jpg");
        using var anonymous = api.Anonymous();
        var userPart = url.Split('/')[3];

        using var otherUser = await anonymous.GetAsync(url.Replace(userPart, bobId.ToString(), StringComparison.Ordinal));
        using var otherSize = await anonymous.GetAsync(url + "&size=100");
        using var longer = await anonymous.GetAsync(url.Replace("&exp=", "&exp=9", StringComparison.Ordinal));

        await otherUser.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        await otherSize.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        await longer.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        alice.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task AnExpiredSignedUrlIsRefused()
    {
        var (client, _, userId) = await api.UserAsync("user");
        await UploadAsync(client, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "a.jpg");
        var signer = new UrlSigner(Options.Create(new SignedUrlOptions { Key = ApiFixture.SignedUrlKey, Lifetime = TimeSpan.FromMinutes(5) }),
            new ShiftedTime(TimeSpan.FromHours(-1)));
        using var anonymous = api.Anonymous();

        using var response = await anonymous.GetAsync(signer.Sign($"/images/users/{userId}/profile"));

        (await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized)).GetProperty("detail").GetString()
            .Should().Contain("expired");
        client.Dispose();
    }

    [Fact]
    public async Task ASignedUrlDoesNotOpenNonMediaRoutes()
    {
        var signer = new UrlSigner(Options.Create(new SignedUrlOptions { Key = ApiFixture.SignedUrlKey }), TimeProvider.System);
        using var anonymous = api.Anonymous();

        using var response = await anonymous.GetAsync(signer.Sign("/parts"));

        await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task OrganizationAdminsSetTheirLogoAndNobodyElseDoes()
    {
        var (admin, organizationId, _) = await api.UserAsync("admin");
        var (otherAdmin, _, _) = await api.UserAsync("admin");
        using var superAdmin = await api.SuperAdminAsync();

        var own = await UploadAsync(admin, $"/uploads/organizations/{organizationId}/logo", SampleImages.PortraitPng, "logo.png");
        using var foreign = await PostFileAsync(otherAdmin, $"/uploads/organizations/{organizationId}/logo", SampleImages.PortraitPng, "x.png");
        using var bySuperAdmin = await PostFileAsync(superAdmin, $"/uploads/organizations/{organizationId}/logo", SampleImages.MediumJpeg, "y.jpg");
        using var served = await admin.GetAsync($"/images/organizations/{organizationId}/logo?size=100");

        own.GetProperty("url").GetString().Should().StartWith($"/images/organizations/{organizationId}/logo?v=");
        await foreign.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        bySuperAdmin.StatusCode.Should().Be(HttpStatusCode.OK);
        served.StatusCode.Should().Be(HttpStatusCode.OK);
        admin.Dispose();
        otherAdmin.Dispose();
    }

    [Fact]
    public async Task AnAdminCannotChangeTheSharedCataloguesImagesAndNothingChanges()
    {
        using var superAdmin = await api.SuperAdminAsync();
        var partId = (await superAdmin.PostAsync("/parts", Json($$"""{"part_number":"CAT-{{Guid.NewGuid():N}}","name":"Valve"}""")).ReadJsonAsync())
            .GetProperty("id").GetGuid();
        using (var first = new MultipartFormDataContent { { File(SampleImages.MediumJpeg, "jpeg"), "file", "a.jpg" } })
        {
            (await superAdmin.PostAsync($"/uploads/parts/{partId}/images", first)).EnsureSuccessStatusCode();
        }

        var before = await api.StoredImagesAsync();
        var (admin, _, _) = await api.UserAsync("admin");
        using var form = new MultipartFormDataContent { { File(SampleImages.PortraitPng, "png"), "file", "b.png" } };

        using var add = await admin.PostAsync($"/uploads/parts/{partId}/images", form);
        using var remove = await admin.DeleteAsync($"/uploads/parts/{partId}/images/0");
        using var reorder = await admin.PutAsync($"/uploads/parts/{partId}/images/order", Json("""{"order":[0]}"""));

        await add.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        await remove.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        await reorder.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        (await api.StoredImagesAsync()).Should().Be(before, "a refused change stores and removes nothing");
        (await admin.GetAsync($"/images/parts/{partId}/count").ReadJsonAsync()).GetProperty("count").GetInt32().Should().Be(1);
        admin.Dispose();
    }

    [Fact]
    public async Task PartGalleryAddsSeveralRemovesAndReorders()
    {
        using var superAdmin = await api.SuperAdminAsync();
        var partId = (await superAdmin.PostAsync("/parts", Json($$"""{"part_number":"IMG-{{Guid.NewGuid():N}}","name":"Pump"}""")).ReadJsonAsync())
            .GetProperty("id").GetGuid();
        var admin = superAdmin;

        using var form = new MultipartFormDataContent();
        form.Add(File(SampleImages.MediumJpeg, "jpeg"), "file", "a.jpg");
        form.Add(File(SampleImages.PortraitPng, "png"), "file", "b.png");
        var added = await admin.PostAsync($"/uploads/parts/{partId}/images", form).ReadJsonAsync();
        var count = await admin.GetAsync($"/images/parts/{partId}/count").ReadJsonAsync();
        var tagOf = async (string path) => (await admin.GetAsync(path)).Headers.ETag!.Tag;
        var (first, second) = (await tagOf($"/images/parts/{partId}/0"), await tagOf($"/images/parts/{partId}?index=1"));

        using var reordered = await admin.PutAsync($"/uploads/parts/{partId}/images/order", Json("""{"order":[1,0]}"""));
        var afterReorder = await tagOf($"/images/parts/{partId}");
        using var removed = await admin.DeleteAsync($"/uploads/parts/{partId}/images/0");
        var remaining = await admin.GetAsync($"/images/parts/{partId}/count").ReadJsonAsync();
        using var gone = await admin.GetAsync($"/images/parts/{partId}/1");

        added.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("index").GetInt32()).Should().Equal(0, 1);
        count.GetProperty("count").GetInt32().Should().Be(2);
        first.Should().NotBe(second);
        reordered.StatusCode.Should().Be(HttpStatusCode.OK);
        afterReorder.Should().Be(second);
        removed.StatusCode.Should().Be(HttpStatusCode.NoContent);
        remaining.GetProperty("count").GetInt32().Should().Be(1);
        (await tagOf($"/images/parts/{partId}/0")).Should().Be(first);
        await gone.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
    }

    [Theory]
    [InlineData("""{"order":[0,0]}""")]
    [InlineData("""{"order":[5]}""")]
    [InlineData("""{"order":[]}""")]
    public async Task AReorderThatIsNotAPermutationIs400(string body)
    {
        using var superAdmin = await api.SuperAdminAsync();
        var partId = (await superAdmin.PostAsync("/parts", Json($$"""{"part_number":"ORD-{{Guid.NewGuid():N}}","name":"Valve"}""")).ReadJsonAsync())
            .GetProperty("id").GetGuid();
        await UploadAsync(superAdmin, $"/uploads/parts/{partId}/images", SampleImages.MediumJpeg, "a.jpg");

        using var response = await superAdmin.PutAsync($"/uploads/parts/{partId}/images/order", Json(body));

        await response.ShouldBeProblemAsync(400, ProblemTypes.Validation);
    }

    [Fact]
    public async Task UsersCannotChangePartImages()
    {
        using var superAdmin = await api.SuperAdminAsync();
        var partId = (await superAdmin.PostAsync("/parts", Json($$"""{"part_number":"USR-{{Guid.NewGuid():N}}","name":"Seal"}""")).ReadJsonAsync())
            .GetProperty("id").GetGuid();
        var (user, _, _) = await api.UserAsync("user");

        using var response = await PostFileAsync(user, $"/uploads/parts/{partId}/images", SampleImages.MediumJpeg, "a.jpg");

        await response.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        user.Dispose();
    }

    [Fact]
    public async Task UnknownTargetsAre404()
    {
        using var superAdmin = await api.SuperAdminAsync();

        using var user = await superAdmin.GetAsync($"/images/users/{Guid.NewGuid()}/profile");
        using var part = await superAdmin.GetAsync($"/images/parts/{Guid.NewGuid()}/count");
        using var upload = await PostFileAsync(superAdmin, $"/uploads/parts/{Guid.NewGuid()}/images", SampleImages.MediumJpeg, "a.jpg");

        await user.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        await part.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        await upload.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static ByteArrayContent File(byte[] bytes, string subtype)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue($"image/{subtype}");
        return content;
    }

    internal static async Task<HttpResponseMessage> PostFileAsync(HttpClient client, string path, byte[] bytes, string name)
    {
        using var form = new MultipartFormDataContent { { File(bytes, "jpeg"), "file", name } };
        return await client.PostAsync(path, form);
    }

    internal static async Task<JsonElement> UploadAsync(HttpClient client, string path, byte[] bytes, string name)
    {
        var body = await Task.FromResult(await PostFileAsync(client, path, bytes, name)).ReadJsonAsync();
        return body.TryGetProperty("images", out var images) ? images[0].GetProperty("image") : body;
    }

    private async Task<long> BlobCountAsync() => await api.Database.ScalarAsync<long>("SELECT count(*) FROM media_blobs");

    /// <summary>The user's photo as served now: its ETag and a hash of its bytes.</summary>
    internal static async Task<string> ServedPhotoAsync(HttpClient client, Guid userId)
    {
        using var response = await client.GetAsync($"/images/users/{userId}/profile");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return $"{response.Headers.ETag} {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))}";
    }

    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}

/// <summary>
/// Uploads racing on the same owner queue on its row lock once their images are processed (ADR 0016):
/// every one succeeds, the last to commit stands, and nothing is left half done.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class ConcurrentUploadTests(ApiFixture api)
{
    private static readonly byte[][] Photos = [SampleImages.MediumJpeg, SampleImages.PortraitPng, File.ReadAllBytes(Wallpapers.AutumnJpeg)];

    private static readonly Uri BaseUri = new("http://127.0.0.1/");

    public static TheoryData<string> Owners() => ["profile photo", "organization logo"];

    [Theory]
    [MemberData(nameof(Owners))]
    public async Task SimultaneousReplacementsOfOnePhotoAllSucceedAndTheLastCommitStands(string owner)
    {
        var (client, organizationId, userId) = await api.UserAsync(owner == "profile photo" ? "user" : "admin");
        var (upload, served) = owner == "profile photo"
            ? ("/uploads/users/profile-photo", $"/images/users/{userId}/profile")
            : ($"/uploads/organizations/{organizationId}/logo", $"/images/organizations/{organizationId}/logo");

        var answers = await Task.WhenAll(Photos.Select(async (photo, i) =>
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "file", $"photo{i}.img" } };
            using var response = await client.PostAsync(upload, form);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        using var image = await client.GetAsync(served);

        answers.Select(a => a.StatusCode).Should().OnlyContain(s => s == HttpStatusCode.OK, "each waits for the one before it, then replaces it");
        // Each answer's URL carries its image's version, a prefix of its SHA-256.
        var versions = answers.Select(a => System.Web.HttpUtility.ParseQueryString(
            new Uri(BaseUri, JsonDocument.Parse(a.Body).RootElement.GetProperty("url").GetString()).Query)["v"]!).ToList();
        versions.Should().OnlyHaveUniqueItems("three different photos");
        image.StatusCode.Should().Be(HttpStatusCode.OK);
        var servedSha = Convert.ToHexStringLower(SHA256.HashData(await image.Content.ReadAsByteArrayAsync()));
        versions.Should().ContainSingle(v => servedSha.StartsWith(v, StringComparison.Ordinal),
            "the photo served is one of those uploaded: the last to commit");
        await api.ImagesShouldHaveNoOrphansAsync($"after simultaneous {owner} uploads: each replaced image is gone");
        client.Dispose();
    }
}
