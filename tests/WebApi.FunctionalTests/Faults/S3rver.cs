using System.Globalization;

namespace AbParts.WebApi.FunctionalTests.Faults;

/// <summary>
/// An s3rver of one test class's own, started by build/lib.sh's <c>s3rver_start</c> and stopped with SIGTERM, so that
/// a test may stop it without touching the s3rver every other test shares. It starts again on the same folder and
/// port: the same buckets and objects at the same URL.
/// </summary>
public sealed class S3rver : IAsyncDisposable
{
    /// <summary>s3rver's built-in account, the only one it accepts.</summary>
    public const string AccessKey = "S3RVER";

    public const string SecretKey = "S3RVER";

    private readonly string _folder;
    private string? _processGroup;

    private S3rver(string folder, Uri url, string processGroup) => (_folder, Url, _processGroup) = (folder, url, processGroup);

    public Uri Url { get; }

    /// <summary>Starts s3rver on a free port with an empty folder of its own.</summary>
    public static async Task<S3rver> StartNewAsync()
    {
        var folder = Directory.CreateTempSubdirectory("abparts-s3rver-").FullName;
        var (group, url) = await StartAsync(folder, port: string.Empty);
        return new S3rver(folder, url, group);
    }

    /// <summary>Starts it again where it was, unless it runs, and waits until it answers.</summary>
    public async Task StartAsync()
    {
        if (_processGroup is null)
        {
            (_processGroup, _) = await StartAsync(_folder, Url.Port.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Stops it with SIGTERM and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_processGroup is not null)
        {
            await BuildLib.RunAsync("stop_process \"-$1\"", _processGroup);
            _processGroup = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
        File.Delete(_folder + ".log");
    }

    /// <summary>Starts s3rver on <paramref name="folder"/> and <paramref name="port"/> (any free one when empty); its process group and URL, once it answers.</summary>
    private static async Task<(string ProcessGroup, Uri Url)> StartAsync(string folder, string port)
    {
        var started = (await BuildLib.RunAsync("s3rver_start \"$1\" \"$1.log\" \"$2\" && echo \"$S3RVER_PID $S3RVER_URL\"",
            folder, port)).Split(' ');
        return (started[0], new Uri(started[1]));
    }
}
