using System.Net;

namespace AbParts.WebApi.FunctionalTests.Faults;

/// <summary>
/// PostgreSQL stopped under the service, run as its own process on a cluster of its own, while uploads are under way
/// and while they arrive: each is answered 503 with <c>Retry-After</c>, nothing it wrote stays in any store, readiness
/// says 503, and once the cluster is back the same service process takes uploads again.
/// </summary>
public sealed class PostgresOutageTests(OwnPostgresApiFixture api) : OutageTestBase(api), IClassFixture<OwnPostgresApiFixture>
{
    /// <summary>The local video store, where videos and large chat files go.</summary>
    private string Media => Path.Combine(api.DataDirectory, "media");

    protected override Task StartServerAsync() => api.Cluster.StartAsync();

    [Fact]
    public async Task UploadsUnderWayWhenPostgresStopsGet503AndLeaveNoObjectRowOrSpooledFile()
    {
        var rows = await api.StoredRowsAsync();
        var media = OutageUploads.Files(Media);
        using var video = await HoldAsync(OutageUploads.Video, OutageUploads.VideoForm("Held"));
        using var file = await HoldAsync(OutageUploads.ChatFile, OutageUploads.ChatFileForm());
        using var photo = await HoldAsync(OutageUploads.Photo, OutageUploads.PhotoForm());

        await api.Cluster.StopAsync();
        video.Release();
        file.Release();
        photo.Release();
        using var videoAnswer = await video.Response;
        using var fileAnswer = await file.Response;
        using var photoAnswer = await photo.Response;
        var mediaWhileDown = OutageUploads.Files(Media);
        await api.Cluster.StartAsync();

        await videoAnswer.ShouldBeUnavailableAsync();
        await fileAnswer.ShouldBeUnavailableAsync();
        await photoAnswer.ShouldBeUnavailableAsync();
        mediaWhileDown.Should().Equal(media, "the video and the chat file copied to the local store are removed before the answer");
        (await api.StoredRowsAsync()).Should().Be(rows, "no row, image or blob was kept");
        await OutageUploads.SpoolShouldEmptyAsync(api.DataDirectory);
    }

    [Fact]
    public async Task UploadsSentWhilePostgresIsDownGet503WhileReadinessSays503()
    {
        await Service.ReadAsync(Token); // this instance now holds the caller's security stamp: the uploads pass authentication
        var rows = await api.StoredRowsAsync();
        var media = OutageUploads.Files(Media);

        await api.Cluster.StopAsync();
        await Service.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable);
        using var video = await PostAsync(OutageUploads.Video, OutageUploads.VideoForm("Refused"));
        using var file = await PostAsync(OutageUploads.ChatFile, OutageUploads.ChatFileForm());
        using var photo = await PostAsync(OutageUploads.Photo, OutageUploads.PhotoForm());
        var mediaWhileDown = OutageUploads.Files(Media);
        await api.Cluster.StartAsync();

        await video.ShouldBeUnavailableAsync();
        await file.ShouldBeUnavailableAsync();
        await photo.ShouldBeUnavailableAsync();
        mediaWhileDown.Should().Equal(media, "nothing refused is left in the local store");
        (await api.StoredRowsAsync()).Should().Be(rows, "no row, image or blob was kept");
        await OutageUploads.SpoolShouldEmptyAsync(api.DataDirectory);
    }

    [Fact]
    public async Task OncePostgresIsBackTheNextUploadSucceedsAndReadinessReturnsWithoutARestart()
    {
        await Service.ReadAsync(Token);
        await api.Cluster.StopAsync();
        using (var refused = await PostAsync(OutageUploads.Video, OutageUploads.VideoForm("Refused")))
        {
            await refused.ShouldBeUnavailableAsync(); // the service met the outage: the connections it pooled are dropped
        }

        await api.Cluster.StartAsync();
        using var accepted = await PostAsync(OutageUploads.Video, OutageUploads.VideoForm("After the outage"));
        await Service.WaitForReadinessAsync(HttpStatusCode.OK);

        accepted.StatusCode.Should().Be(HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
        var key = await api.Database.ScalarAsync<string>("SELECT storage_key FROM videos WHERE title = 'After the outage'");
        File.Exists(Path.Combine(Media, key!)).Should().BeTrue("the row and its video in the local store are both there");
    }
}
