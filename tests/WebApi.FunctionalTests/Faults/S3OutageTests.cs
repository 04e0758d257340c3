using System.Net;
using Amazon.S3.Model;

namespace AbParts.WebApi.FunctionalTests.Faults;

/// <summary>
/// The S3 video store's server (an s3rver of the test class's own) stopped under the service, run as its own process,
/// while uploads are under way, while they arrive and while a video is streamed: each is answered 503 with
/// <c>Retry-After</c>, no row is written and nothing is left in the bucket, and once s3rver is back on the same folder
/// and port the same service process stores and streams videos there again.
/// </summary>
public sealed class S3OutageTests(OwnS3rverApiFixture api) : OutageTestBase(api), IClassFixture<OwnS3rverApiFixture>
{
    protected override Task StartServerAsync() => api.S3rver.StartAsync();

    [Fact]
    public async Task UploadsUnderWayWhenS3rverStopsGet503AndLeaveNoObjectRowOrSpooledFile()
    {
        var rows = await api.StoredRowsAsync();
        var objects = await ObjectsAsync();
        using var video = await HoldAsync(OutageUploads.Video, OutageUploads.VideoForm("Held"));
        using var file = await HoldAsync(OutageUploads.ChatFile, OutageUploads.ChatFileForm());

        await api.S3rver.StopAsync();
        video.Release();
        file.Release();
        using var videoAnswer = await video.Response;
        using var fileAnswer = await file.Response;
        await api.S3rver.StartAsync();

        await videoAnswer.ShouldBeUnavailableAsync();
        await fileAnswer.ShouldBeUnavailableAsync();
        (await ObjectsAsync()).Should().Equal(objects, "nothing was left in the bucket, under any key");
        (await api.StoredRowsAsync()).Should().Be(rows, "no row, poster or blob was kept");
        await OutageUploads.SpoolShouldEmptyAsync(api.DataDirectory);
    }

    [Fact]
    public async Task UploadsSentWhileS3rverIsDownGet503AndLeaveNoObjectRowOrSpooledFile()
    {
        var rows = await api.StoredRowsAsync();
        var objects = await ObjectsAsync();

        await api.S3rver.StopAsync();
        using var video = await PostAsync(OutageUploads.Video, OutageUploads.VideoForm("Refused"));
        using var file = await PostAsync(OutageUploads.ChatFile, OutageUploads.ChatFileForm());
        await api.S3rver.StartAsync();

        await video.ShouldBeUnavailableAsync();
        await file.ShouldBeUnavailableAsync();
        (await ObjectsAsync()).Should().Equal(objects, "nothing was left in the bucket, under any key");
        (await api.StoredRowsAsync()).Should().Be(rows, "no row, poster or blob was kept");
        await OutageUploads.SpoolShouldEmptyAsync(api.DataDirectory);
    }

    [Fact]
    public async Task OnceS3rverIsBackTheNextVideoUploadIsStoredWithoutARestart()
    {
        await api.S3rver.StopAsync();
        using (var refused = await PostAsync(OutageUploads.Video, OutageUploads.VideoForm("Refused")))
        {
            await refused.ShouldBeUnavailableAsync();
        }

        await api.S3rver.StartAsync();
        using var accepted = await PostAsync(OutageUploads.Video, OutageUploads.VideoForm("After the outage"));

        accepted.StatusCode.Should().Be(HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
        var key = await api.Database.ScalarAsync<string>("SELECT storage_key FROM videos WHERE title = 'After the outage'");
        (await ObjectsAsync()).Should().Contain(key!, "the row and its object in the bucket are both there");
    }

    [Fact]
    public async Task AVideoStreamedWhileS3rverIsDownGets503AndPlaysOnceItIsBack()
    {
        var video = await PostAsync(OutageUploads.Video, OutageUploads.VideoForm("Streamed")).ReadJsonAsync();
        var stream = new Uri($"/videos/stream/{video.GetProperty("id").GetGuid()}", UriKind.Relative);
        using var client = Service.Client(Token);

        await api.S3rver.StopAsync();
        using var refused = await client.GetAsync(stream);
        await api.S3rver.StartAsync();
        var bytes = await client.GetByteArrayAsync(stream);

        await refused.ShouldBeUnavailableAsync();
        bytes.Should().Equal(SampleVideos.Mp4, "the same process reads the bucket again once it answers");
    }

    /// <summary>Every key in the bucket, listed by an S3 client of the test's own.</summary>
    private async Task<List<string>> ObjectsAsync()
    {
        using var s3 = api.S3Client();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = api.Bucket });
        return [.. (listed.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];
    }
}
