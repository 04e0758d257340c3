using System.Net;
using System.Net.Http.Headers;
using AbParts.Tests.Support;
using AbParts.WebApi.Endpoints;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// The service as its own process, with its data directory on a small disk of its own: the local video store
/// (<c>media/</c>) and the upload spool (<c>uploads/</c>, where ASP.NET Core also buffers forms) share one filesystem,
/// as on a server whose data disk fills up.
/// </summary>
public sealed class FullDiskFixture : IAsyncLifetime
{
    /// <summary>Room for what the tests keep and for three copies of an upload, the most one upload writes at once.</summary>
    private const long DiskBytes = 32L * 1024 * 1024;

    private SmallDisk? _disk;
    private ServiceProcess? _service;

    public ApiFixture Api { get; } = new();

    public SmallDisk Disk => _disk!;

    public ServiceProcess Service => _service!;

    public async Task InitializeAsync()
    {
        await Api.InitializeAsync();
        _disk = await SmallDisk.MountAsync(DiskBytes);
        _service = await ServiceProcess.StartAsync(Api, new Dictionary<string, string> { ["ABPARTS_DATA_DIR"] = _disk.Path });
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        _disk?.Dispose();
        await Api.DisposeAsync();
    }
}

/// <summary>
/// A full disk under the local video store and the upload spool (issue 14): an upload that does not fit is answered
/// 507 and leaves no row, no file in the store and nothing in the spool, whichever of its steps runs out of space;
/// reads go on meanwhile, and once space is freed the next upload works.
/// </summary>
public sealed class FullDiskTests(FullDiskFixture fixture) : IClassFixture<FullDiskFixture>, IDisposable
{
    private const string VideoUpload = "video";
    private const string ChatFileUpload = "chat file";

    private ApiFixture Api => fixture.Api;

    private SmallDisk Disk => fixture.Disk;

    private ServiceProcess Service => fixture.Service;

    /// <summary>Each kind of upload that lands in the local store, at each step that writes it to disk.</summary>
    public static TheoryData<string, string> UploadSteps() => new()
    {
        { VideoUpload, "receiving" },
        { VideoUpload, "spooling" },
        { VideoUpload, "storing" },
        { ChatFileUpload, "receiving" },
        { ChatFileUpload, "spooling" },
        { ChatFileUpload, "storing" },
    };

    [Theory]
    [MemberData(nameof(UploadSteps))]
    public async Task AnUploadThatDoesNotFitIs507AndLeavesNothingBehind(string upload, string step)
    {
        using var client = await SuperAdminAsync();
        var bytes = Sample(upload);
        var (room, file) = Step(step);
        var rows = await RowsAsync();
        var stored = StoreFiles();
        var logged = Service.Output.Length;
        Disk.FillLeaving((long)(bytes.Length * room));

        using var response = await UploadAsync(client, upload, bytes);

        var problem = await response.ShouldBeProblemAsync(507, ProblemTypes.InsufficientStorage);
        problem.GetProperty("detail").GetString().Should().Contain("no space left").And.Contain("nothing of it was kept");
        (await RowsAsync()).Should().Be(rows, "a refused upload leaves no row");
        StoreFiles().Should().BeEquivalentTo(stored, "a refused upload leaves no file in the store, whole or partial");
        (await SpoolFilesAsync()).Should().BeEmpty("a refused upload leaves nothing in the spool");
        (await Service.OutputAfterAsync(logged, file)).Should().Contain("Out of disk space").And.Contain(file,
            $"the log names the file that did not fit, so the {step} step ran out of space");
    }

    [Fact]
    public async Task ReadsGoOnWhileTheDiskIsFull()
    {
        using var client = await SuperAdminAsync();
        var video = await UploadAsync(client, VideoUpload, SampleVideos.Mp4).ReadJsonAsync();
        using var photoForm = new MultipartFormDataContent { { FilePart(SampleFiles.SmallJpeg, "image/jpeg"), "file", "me.jpg" } };
        var photo = await client.PostAsync("/uploads/users/profile-photo", photoForm).ReadJsonAsync();
        var streamUrl = video.GetProperty("stream_url").GetString();
        Disk.FillLeaving(0);

        using var rangeRequest = new HttpRequestMessage(HttpMethod.Get, streamUrl) { Headers = { Range = new RangeHeaderValue(100, 1099) } };
        using var range = await client.SendAsync(rangeRequest);
        var whole = await client.GetByteArrayAsync(streamUrl);
        using var image = await client.GetAsync(photo.GetProperty("url").GetString());
        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");

        range.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await range.Content.ReadAsByteArrayAsync()).Should().Equal(SampleVideos.Mp4[100..1100]);
        whole.Should().Equal(SampleVideos.Mp4);
        image.StatusCode.Should().Be(HttpStatusCode.OK);
        image.Content.Headers.ContentType?.MediaType.Should().Be("image/webp");
        live.StatusCode.Should().Be(HttpStatusCode.OK);
        ready.StatusCode.Should().Be(HttpStatusCode.OK, "reads still work, so the instance stays in the load balancer");
    }

    [Fact]
    public async Task TheNextUploadWorksOnceSpaceIsFreed()
    {
        using var client = await SuperAdminAsync();
        Disk.FillLeaving(0);
        using var refused = await UploadAsync(client, VideoUpload, SampleVideos.NoisyMp4);

        Disk.Free();
        var video = await UploadAsync(client, VideoUpload, SampleVideos.NoisyMp4).ReadJsonAsync();

        ((int)refused.StatusCode).Should().Be(507);
        (await client.GetByteArrayAsync(video.GetProperty("stream_url").GetString())).Should().Equal(SampleVideos.NoisyMp4);
    }

    /// <summary>Each test leaves the disk as it found it, whatever it asserted.</summary>
    public void Dispose() => Disk.Free();

    /// <summary>
    /// The free space at which the steps of an upload before <paramref name="step"/> fit and this one does not, in upload
    /// sizes (each step writes a whole copy while the one before it is still on disk), and the file the log names then.
    /// </summary>
    private static (double Room, string File) Step(string step) => step switch
    {
        "receiving" => (0.5, "ASPNETCORE_"), // ASP.NET Core buffering the form
        "spooling" => (1.5, ".upload"), // the spool's own copy, which ffprobe and the image workers read
        "storing" => (2.5, ".partial"), // the store's file, renamed to its key once complete
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    /// <summary>About 2 MB either way: a video, or a text file large enough for the video store (over <c>Images:MaxBytes</c>).</summary>
    private static byte[] Sample(string upload) => upload == VideoUpload ? SampleVideos.NoisyMp4 : SampleFiles.Text(2_000_000);

    private async Task<HttpClient> SuperAdminAsync()
    {
        var client = new HttpClient { BaseAddress = Service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await Api.SignInAsync(ApiFixture.SuperAdminUsername, ApiFixture.SuperAdminPassword));
        return client;
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string upload, byte[] bytes)
    {
        using var form = new MultipartFormDataContent();
        if (upload == VideoUpload)
        {
            form.Add(new StringContent("Full disk"), "title");
            form.Add(new StringContent("maintenance"), "category");
            form.Add(FilePart(bytes, "video/mp4"), "file", "clip.mp4");
            return await client.PostAsync("/videos/support", form);
        }

        form.Add(FilePart(bytes, "text/plain"), "file", "log.txt");
        return await client.PostAsync(ChatEndpoints.FilesPath, form);
    }

    private static ByteArrayContent FilePart(byte[] bytes, string contentType) =>
        new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } };

    /// <summary>The rows an upload adds: videos, chat files, and the images and blobs of posters and thumbnails.</summary>
    private async Task<string> RowsAsync() =>
        string.Join(Environment.NewLine, [.. await Api.Database.RowsAsync(
            "SELECT (SELECT count(*) FROM videos), (SELECT count(*) FROM chat_files)"), await Api.StoredImagesAsync()]);

    private string[] StoreFiles() => Files("media");

    /// <summary>
    /// The spool's files once it is empty, or after a minute: ASP.NET Core deletes a form it buffered there only once the
    /// answer has been sent.
    /// </summary>
    private async Task<string[]> SpoolFilesAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (Files("uploads").Length > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return Files("uploads");
    }

    private string[] Files(string folder)
    {
        var path = Path.Combine(Disk.Path, folder);
        return Directory.Exists(path) ? Directory.GetFiles(path, "*", SearchOption.AllDirectories) : [];
    }
}
