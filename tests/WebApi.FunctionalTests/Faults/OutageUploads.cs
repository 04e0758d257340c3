using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AbParts.Tests.Support;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests.Faults;

/// <summary>The uploads the outage tests send, each kind that writes media, and what they check after them.</summary>
internal static class OutageUploads
{
    public const string Video = "/videos/support";
    public const string ChatFile = "/api/v1/chat/files";
    public const string Photo = "/uploads/users/profile-photo";

    /// <summary>Bounds the wait for ASP.NET Core to delete a buffered request body, which it does after answering.</summary>
    private static readonly TimeSpan SpoolBound = TimeSpan.FromSeconds(30);

    /// <summary>A support video: its bytes go to the video store, its poster and row to PostgreSQL.</summary>
    public static MultipartFormDataContent VideoForm(string title)
    {
        var video = new ByteArrayContent(SampleVideos.Mp4);
        video.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        return new MultipartFormDataContent
        {
            { new StringContent(title), "title" },
            { new StringContent("maintenance"), "category" },
            { video, "file", "clip.mp4" },
        };
    }

    /// <summary>A text file over <c>Images:MaxBytes</c>, so its original is kept in the video store, not in PostgreSQL.</summary>
    public static MultipartFormDataContent ChatFileForm()
    {
        var text = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("A line of notes.\n", 40_000))));
        text.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        return new MultipartFormDataContent { { text, "file", "notes.txt" } };
    }

    /// <summary>A profile photo: kept in PostgreSQL only, after the image workers have made it.</summary>
    public static MultipartFormDataContent PhotoForm() =>
        new() { { new ByteArrayContent(SampleImages.MediumJpeg), "file", "photo.jpg" } };

    /// <summary>Starts an upload and holds it with the first half of its body sent.</summary>
    public static Task<HeldUpload> HoldAsync(Uri service, string token, string path, MultipartFormDataContent form) =>
        HeldUpload.StartAsync(service, token, path, form, (int)(form.Headers.ContentLength!.Value / 2));

    /// <summary>A client of the service, signed in with <paramref name="token"/>.</summary>
    public static HttpClient Client(this ServiceProcess service, string token)
    {
        var client = new HttpClient { BaseAddress = service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Sends <paramref name="form"/> to <paramref name="path"/> on the service, as the holder of <paramref name="token"/>.</summary>
    public static async Task<HttpResponseMessage> PostAsync(this ServiceProcess service, string token, string path,
        MultipartFormDataContent form)
    {
        using var client = service.Client(token);
        using (form)
        {
            return await client.PostAsync(new Uri(path, UriKind.Relative), form);
        }
    }

    /// <summary>A read through the service, which also leaves the caller's security stamp in its cache.</summary>
    public static async Task ReadAsync(this ServiceProcess service, string token)
    {
        using var client = service.Client(token);
        using var response = await client.GetAsync(new Uri(Video, UriKind.Relative));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>The rows an upload writes, as one comparable string: images and their blobs, videos, chat files.</summary>
    public static async Task<string> StoredRowsAsync(this ApiFixture api) => string.Join(Environment.NewLine,
    [
        await api.StoredImagesAsync(),
        .. await api.Database.RowsAsync("SELECT (SELECT count(*) FROM videos), (SELECT count(*) FROM chat_files)"),
    ]);

    /// <summary>Asserts the answer to a request a dependency refused: 503, the unavailable problem, and when to retry.</summary>
    public static async Task ShouldBeUnavailableAsync(this HttpResponseMessage response)
    {
        await response.ShouldBeProblemAsync(503, ProblemTypes.Unavailable);
        response.Headers.RetryAfter.Should().NotBeNull("the client is told when to retry");
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(5));
    }

    /// <summary>The files under <paramref name="folder"/>, relative to it; none when it does not exist.</summary>
    public static string[] Files(string folder) => Directory.Exists(folder)
        ? [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order()]
        : [];

    /// <summary>
    /// Asserts that the service's spool (<c>uploads/</c>: its spooled uploads and the request bodies ASP.NET Core buffers
    /// there) empties, polling: the framework deletes a buffered body only after the answer is sent.
    /// </summary>
    public static async Task SpoolShouldEmptyAsync(string dataDirectory)
    {
        var spool = Path.Combine(dataDirectory, "uploads");
        var deadline = DateTime.UtcNow + SpoolBound;
        while (Files(spool).Length > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Files(spool).Should().BeEmpty("no spooled upload or buffered body outlives its request");
    }
}
