using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Storage;
using AbParts.Domain.Media;
using AbParts.Tests.Support;
using AbParts.WebApi.ErrorHandling;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>Video uploads on the local video store (the default configuration).</summary>
[Collection(ApiTestGroup.Name)]
public sealed class LocalVideosTests(ApiFixture api) : VideoEndpointTests(api);

/// <summary>The very same endpoint tests with videos in S3: switching backend is configuration only.</summary>
public sealed class S3VideosTests(S3ApiFixture api) : VideoEndpointTests(api), IClassFixture<S3ApiFixture>;

/// <summary>
/// Video uploads, listing, RFC 9110 range streaming and posters. Written against the store port, not a
/// file system, so that every backend runs the same tests.
/// </summary>
public abstract class VideoEndpointTests(ApiFixture api)
{
    [Fact]
    public async Task ASupportVideoIsStoredProbedAndDescribedWithSignedUrls()
    {
        using var admin = await api.SuperAdminAsync();

        using var response = await UploadSupportAsync(admin, SampleVideos.Mp4, "setup.mp4", title: "Setting up the crusher");
        var video = await Task.FromResult(response).ReadJsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        video.GetProperty("title").GetString().Should().Be("Setting up the crusher");
        video.GetProperty("category").GetString().Should().Be("machine_setup");
        video.GetProperty("size").GetInt64().Should().Be(SampleVideos.Mp4.Length);
        video.GetProperty("content_type").GetString().Should().Be("video/mp4");
        video.GetProperty("duration_seconds").GetDouble().Should().BeApproximately(2, 0.2);
        (video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32()).Should().Be((320, 240));
        video.GetProperty("stream_url").GetString().Should().Contain("&sig=");
        video.GetProperty("thumbnail_url").GetString().Should().Contain("&sig=");
    }

    [Fact]
    public async Task TheSignedUrlsPlayInVideoAndImgTagsWithoutAToken()
    {
        using var admin = await api.SuperAdminAsync();
        var video = await UploadSupportAsync(admin, SampleVideos.Mp4, "a.mp4").ReadJsonAsync();
        using var anonymous = api.Anonymous();

        var bytes = await anonymous.GetByteArrayAsync(video.GetProperty("stream_url").GetString());
        using var poster = await anonymous.GetAsync(video.GetProperty("thumbnail_url").GetString());

        bytes.Should().Equal(SampleVideos.Mp4);
        poster.StatusCode.Should().Be(HttpStatusCode.OK);
        SampleImages.WebpSize(await poster.Content.ReadAsByteArrayAsync()).Width.Should().Be(320);
    }

    [Fact]
    public async Task SupportVideosListNewestFirstAndFilterByCategory()
    {
        using var admin = await api.SuperAdminAsync();
        var maintenance = await UploadSupportAsync(admin, SampleVideos.WebM, "m.webm", category: "maintenance").ReadJsonAsync();
        var troubleshooting = await UploadSupportAsync(admin, SampleVideos.WebM, "t.webm", category: "troubleshooting").ReadJsonAsync();

        var filtered = await admin.GetAsync("/videos/support?category=maintenance").ReadJsonAsync();
        var all = await admin.GetAsync("/videos/support").ReadJsonAsync();
        using var invalid = await admin.GetAsync("/videos/support?category=cooking");

        filtered.EnumerateArray().Select(v => v.GetProperty("category").GetString()).Should().OnlyContain(c => c == "maintenance");
        filtered.EnumerateArray().Select(v => v.GetProperty("id").GetGuid()).Should().Contain(maintenance.GetProperty("id").GetGuid());
        all.EnumerateArray().First().GetProperty("id").GetGuid().Should().Be(troubleshooting.GetProperty("id").GetGuid());
        await invalid.ShouldBeProblemAsync(400, ProblemTypes.Validation);
    }

    public static TheoryData<string, int, int> Ranges() => new()
    {
        { "bytes=0-99", 0, 100 },
        { "bytes=100-", 100, -1 },
        { "bytes=-500", -500, 500 },
        { "bytes=1000-999999999", 1000, -1 },
        { "bytes=0-0", 0, 1 },
        { "bytes=0-1", 0, 2 },
        { $"bytes={SampleVideos.Mp4.Length - 1}-{SampleVideos.Mp4.Length - 1}", SampleVideos.Mp4.Length - 1, 1 },
        { "bytes=-1", -1, 1 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task ASingleRangeIsAnsweredWith206AndExactlyThoseBytes(string range, int from, int length)
    {
        var (client, id) = await SupportVideoAsync();
        var total = SampleVideos.Mp4.Length;
        var start = from < 0 ? total + from : from;
        var count = length < 0 ? total - start : length;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/videos/stream/{id}");
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        response.Content.Headers.ContentRange!.ToString().Should().Be($"bytes {start}-{start + count - 1}/{total}");
        response.Content.Headers.ContentLength.Should().Be(count);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(SampleVideos.Mp4.AsSpan(start, count).ToArray());
    }

    [Theory]
    [InlineData("bytes=999999999-")]
    [InlineData("bytes=-0")]
    public async Task AnUnsatisfiableRangeIs416WithTheLength(string range)
    {
        var (client, id) = await SupportVideoAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/videos/stream/{id}");
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await client.SendAsync(request);

        await response.ShouldBeProblemAsync(416, ProblemTypes.RangeNotSatisfiable);
        response.Content.Headers.ContentRange!.ToString().Should().Be($"bytes */{SampleVideos.Mp4.Length}");
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("bytes=0-1,5-9", HttpStatusCode.OK)]
    [InlineData("bytes=abc", HttpStatusCode.OK)]
    [InlineData("lines=1-2", HttpStatusCode.OK)]
    public async Task WithoutASingleByteRangeTheWholeVideoIsSent(string? range, HttpStatusCode status)
    {
        var (client, id) = await SupportVideoAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/videos/stream/{id}");
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(status);
        response.Headers.AcceptRanges.Should().Contain("bytes");
        response.Content.Headers.ContentType!.MediaType.Should().Be("video/mp4");
        response.Headers.ETag!.IsWeak.Should().BeFalse();
        response.Content.Headers.LastModified.Should().NotBeNull();
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(SampleVideos.Mp4);
    }

    [Fact]
    public async Task IfRangeKeepsTheRangeOnlyWhileTheETagMatches()
    {
        var (client, id) = await SupportVideoAsync();
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/videos/stream/{id}"));
        var etag = head.Headers.ETag!.Tag;

        using var matching = await RangedAsync(client, id, etag);
        using var stale = await RangedAsync(client, id, "\"0000\"");

        head.Content.Headers.ContentLength.Should().Be(SampleVideos.Mp4.Length);
        (await head.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        matching.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        stale.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task IfNoneMatchWithTheCurrentETagIs304()
    {
        var (client, id) = await SupportVideoAsync();
        using var first = await client.GetAsync($"/videos/stream/{id}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/videos/stream/{id}");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var second = await client.SendAsync(request);

        second.StatusCode.Should().Be(HttpStatusCode.NotModified);
    }

    public static TheoryData<string, string, int> HostileUploads() => new()
    {
        { "text named .mp4", "text", 415 },
        { "a WebM named .mp4", "webm-as-mp4", 415 },
        { "an .avi", "avi", 415 },
        { "truncated MP4", "truncated", 422 },
        { "empty file", "empty", 422 },
        { "over Videos:MaxBytes", "oversize", 413 },
    };

    [Theory]
    [MemberData(nameof(HostileUploads))]
    public async Task HostileUploadsGetAClearProblemAndLeaveNoFileOrRowBehind(string what, string kind, int status)
    {
        using var admin = await api.SuperAdminAsync();
        var rows = await CountsAsync();
        var (bytes, name) = kind switch
        {
            "text" => (SampleImages.Text, "clip.mp4"),
            "webm-as-mp4" => (SampleVideos.WebM, "clip.mp4"),
            "avi" => (SampleVideos.Mp4, "clip.avi"),
            "truncated" => (SampleVideos.Mp4[..(SampleVideos.Mp4.Length / 3)], "clip.mp4"),
            "empty" => ([], "clip.mp4"),
            "oversize" => (new byte[ApiFixture.VideoMaxBytes + 1], "clip.mp4"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await UploadSupportAsync(admin, bytes, name);

        var problem = await response.ShouldBeProblemAsync(status, ProblemTypes.ForStatus(status) is var type && status == 422
            ? ProblemTypes.InvalidMedia : type);
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace(what);
        (await CountsAsync()).Should().Be(rows, $"a refused {what} leaves no row");
        (await UnreferencedVideoObjectsAsync()).Should().BeEmpty($"a refused {what} leaves no stored video");
        FilesUnder("uploads").Should().BeEmpty($"a refused {what} leaves no spooled upload");
    }

    [Fact]
    public async Task AClientFileNameNeverBecomesAPath()
    {
        using var admin = await api.SuperAdminAsync();

        var video = await UploadSupportAsync(admin, SampleVideos.Mp4, "../../../../etc/evil name.mp4").ReadJsonAsync();

        var id = video.GetProperty("id").GetGuid();
        (await StatAsync($"videos/{id:N}.mp4")).Should().NotBeNull();
        (await VideoKeysAsync()).Should().NotContain(k => k.Contains("evil", StringComparison.Ordinal));
        Directory.EnumerateFiles(api.DataDirectory, "*evil*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task MissingFieldsAre400()
    {
        using var admin = await api.SuperAdminAsync();
        using var form = new MultipartFormDataContent { { Video(SampleVideos.Mp4), "file", "a.mp4" } };
        var rows = await CountsAsync();

        using var response = await admin.PostAsync("/videos/support", form);

        ((int)response.StatusCode).Should().Be(400);
        (await CountsAsync()).Should().Be(rows, "a refused upload leaves no row");
        (await UnreferencedVideoObjectsAsync()).Should().BeEmpty("a refused upload leaves no stored video");
    }

    [Fact]
    public async Task OnlySuperAdminsUploadSupportAndPartVideosAndAdminsReadThem()
    {
        var (admin, _, _) = await api.UserAsync("admin");
        using var superAdmin = await api.SuperAdminAsync();
        var partId = (await superAdmin.PostAsJsonAsync("/parts", new { part_number = $"V-{Guid.NewGuid():N}"[..20], name = "Crusher" })
            .ReadJsonAsync()).GetProperty("id").GetGuid();

        using var support = await UploadSupportAsync(admin, SampleVideos.Mp4, "a.mp4");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Fitting the liner"), "title" },
            { new StringContent("installation"), "video_type" },
            { Video(SampleVideos.Mp4), "file", "liner.mp4" },
        };
        using var byAdmin = await admin.PostAsync($"/videos/parts/{partId}", form);
        var listedBefore = await admin.GetAsync($"/videos/parts/{partId}").ReadJsonAsync();
        using var part = await superAdmin.PostAsync($"/videos/parts/{partId}", form);
        var listed = await admin.GetAsync($"/videos/parts/{partId}").ReadJsonAsync();

        await support.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        await byAdmin.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        listedBefore.EnumerateArray().Should().BeEmpty("a refused upload stores nothing");
        part.StatusCode.Should().Be(HttpStatusCode.Created);
        listed.EnumerateArray().Should().ContainSingle().Which.GetProperty("video_type").GetString().Should().Be("installation");
        admin.Dispose();
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task AVideoDeletedThroughAnotherInstanceIsNotFoundHereWhileItsLookupIsStillKept(string method)
    {
        var (client, id) = await SupportVideoAsync();
        using var before = await client.GetAsync($"/videos/stream/{id}"); // this instance now keeps the lookup
        // What a deletion through another instance leaves: no row, no poster, no bytes.
        var poster = await api.Database.ScalarAsync<Guid>($"SELECT poster_image_id FROM videos WHERE id = '{id}'");
        var key = await api.Database.ScalarAsync<string>($"DELETE FROM videos WHERE id = '{id}' RETURNING storage_key");
        await api.Database.ScalarAsync<long>($"""
            WITH keys AS (SELECT storage_key FROM images WHERE id = '{poster}'
                          UNION SELECT storage_key FROM image_thumbnails WHERE image_id = '{poster}'),
                 blobs AS (DELETE FROM media_blobs WHERE key IN (SELECT storage_key FROM keys) RETURNING 1),
                 rows AS (DELETE FROM images WHERE id = '{poster}' RETURNING 1)
            SELECT (SELECT count(*) FROM blobs) + (SELECT count(*) FROM rows)
            """);
        await using (var scope = api.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(api.VideoBackend)
                .DeleteAsync(key!, CancellationToken.None);
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), $"/videos/stream/{id}") { Headers = { Range = new RangeHeaderValue(0, 99) } };
        using var after = await client.SendAsync(request);

        before.StatusCode.Should().Be(HttpStatusCode.OK);
        after.StatusCode.Should().Be(HttpStatusCode.NotFound);
        if (method == "GET")
        {
            await after.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        }
    }

    [Fact]
    public async Task DeletingAVideoRemovesItsRowBytesAndPoster()
    {
        var (client, id) = await SupportVideoAsync();
        var blobs = await api.Database.ScalarAsync<long>("SELECT count(*) FROM media_blobs");
        using var streamedBefore = await client.GetAsync($"/videos/stream/{id}"); // its lookup and poster are now cached
        using var posterBefore = await client.GetAsync($"/videos/{id}/thumbnail");

        using var deleted = await client.DeleteAsync($"/videos/{id}");
        using var stream = await client.GetAsync($"/videos/stream/{id}");
        using var poster = await client.GetAsync($"/videos/{id}/thumbnail");

        streamedBefore.StatusCode.Should().Be(HttpStatusCode.OK);
        posterBefore.StatusCode.Should().Be(HttpStatusCode.OK);
        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await stream.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        await poster.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        (await StatAsync($"videos/{id:N}.mp4")).Should().BeNull();
        (await api.Database.ScalarAsync<long>("SELECT count(*) FROM media_blobs")).Should().Be(blobs - 4, "the poster and its three thumbnails go");
    }

    [Fact]
    public async Task TheSweepRemovesLeftoversButNothingARowReferences()
    {
        var (client, id) = await SupportVideoAsync();
        await using var scope = api.Services.CreateAsyncScope();
        var stores = scope.ServiceProvider.GetRequiredService<IMediaStores>();
        await stores.Resolve(api.VideoBackend).SaveAsync("videos/orphan.mp4", new MemoryStream([1, 2, 3]), "video/mp4", CancellationToken.None);
        await stores.Resolve(StorageBackend.Postgres).SaveAsync("images/orphan.webp", new MemoryStream([4]), "image/webp", CancellationToken.None);
        var spooled = Path.Combine(api.DataDirectory, "uploads", "crashed.upload");
        Directory.CreateDirectory(Path.GetDirectoryName(spooled)!);
        await File.WriteAllBytesAsync(spooled, [5]);
        File.SetLastWriteTimeUtc(spooled, DateTime.UtcNow.AddHours(-2));

        var report = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new SweepOrphansCommand());
        using var stillThere = await client.GetAsync($"/videos/stream/{id}");

        report.Should().Be(new SweepReport(1, 1, 1, 0));
        File.Exists(spooled).Should().BeFalse();
        (await stores.Resolve(api.VideoBackend).StatAsync("videos/orphan.mp4", CancellationToken.None)).Should().BeNull();
        stillThere.StatusCode.Should().Be(HttpStatusCode.OK);
        client.Dispose();
    }

    private async Task<(HttpClient Client, Guid Id)> SupportVideoAsync()
    {
        var admin = await api.SuperAdminAsync();
        var video = await UploadSupportAsync(admin, SampleVideos.Mp4, "clip.mp4").ReadJsonAsync();
        return (admin, video.GetProperty("id").GetGuid());
    }

    private static async Task<HttpResponseMessage> RangedAsync(HttpClient client, Guid id, string ifRange)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/videos/stream/{id}");
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        request.Headers.TryAddWithoutValidation("If-Range", ifRange);
        return await client.SendAsync(request);
    }

    private static ByteArrayContent Video(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        return content;
    }

    private static Task<HttpResponseMessage> UploadSupportAsync(HttpClient client, byte[] bytes, string name,
        string title = "A support video", string category = "machine_setup")
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(title), "title" },
            { new StringContent(category), "category" },
            { new StringContent("How to do it."), "description" },
            { Video(bytes), "file", name },
        };
        return client.PostAsync("/videos/support", form);
    }

    private async Task<string> CountsAsync() => string.Join(",", await api.Database.RowsAsync(
        "SELECT (SELECT count(*) FROM videos), (SELECT count(*) FROM images), (SELECT count(*) FROM media_blobs)"));

    private List<string> FilesUnder(string folder)
    {
        var path = Path.Combine(api.DataDirectory, folder);
        return Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).ToList() : [];
    }

    private async Task<StoredMedia?> StatAsync(string key)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(api.VideoBackend)
            .StatAsync(key, CancellationToken.None);
    }

    private async Task<List<string>> VideoKeysAsync()
    {
        await using var scope = api.Services.CreateAsyncScope();
        var keys = new List<string>();
        await foreach (var media in scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(api.VideoBackend)
                           .ListAsync("videos/", CancellationToken.None))
        {
            keys.Add(media.Key);
        }

        return keys;
    }

    /// <summary>Stored video objects that no row references: what a refused upload must not leave.</summary>
    private async Task<List<string>> UnreferencedVideoObjectsAsync()
    {
        var referenced = await api.Database.RowsAsync("SELECT storage_key FROM videos");
        return (await VideoKeysAsync()).Except(referenced).ToList();
    }
}
