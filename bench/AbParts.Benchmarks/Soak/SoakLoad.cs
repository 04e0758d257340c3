using System.Diagnostics;

namespace AbParts.Benchmarks.Soak;

/// <summary>
/// The load step: every user of the state as a <see cref="SoakClient"/> for the given time, all at once. Bounded twice:
/// no request starts after the end (nor beyond <see cref="MaxRequestsPerClient"/> a client on average), and whatever
/// still runs <see cref="Grace"/> later is cancelled and counted as a timeout.
/// </summary>
internal static class SoakLoad
{
    public const int MaxRequestsPerClient = 1000;

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(35);

    /// <summary>Runs the load, prints its report, and returns the state with the uploads it acknowledged added.</summary>
    public static async Task<SoakState> RunAsync(SoakState state, TimeSpan duration, int seed, TextWriter report)
    {
        ArgumentNullException.ThrowIfNull(state);
        var material = new SoakMaterial(
            await Task.WhenAll(state.Photos.Select(async p => (PhotoName(p), await File.ReadAllBytesAsync(p)))),
            await File.ReadAllBytesAsync(state.Video.File), state.Video.StreamPath);
        var images = new SharedImages(state.PartImages);
        foreach (var photo in state.Uploads.Where(u => u.Kind == UploadKind.ProfilePhoto))
        {
            images.AddPhoto(state.Users[photo.User].Id);
        }

        var recorder = new LoadRecorder(state.Users.Count * MaxRequestsPerClient);
        var clients = state.Users.Select(u => LoopbackClients.Create(state.Api, u.Index, u.Token)).ToList();
        try
        {
            var end = DateTimeOffset.UtcNow + duration;
            using var stop = new CancellationTokenSource(duration + Grace);
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(state.Users.Select(u => new SoakClient(u, clients[u.Index], material, images,
                    state.Uploads.Where(f => f.Kind == UploadKind.ChatFile && f.User == u.Index), recorder,
                    new Random(seed + u.Index))
                .RunAsync(end, stop.Token)));
            LoadReport.Write(report, recorder, state.Users.Count, duration, Stopwatch.GetElapsedTime(started), seed);
            using var self = Process.GetCurrentProcess();
            report.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The load client itself used {self.TotalProcessorTime.TotalSeconds:0.0} s of CPU, its start-up included."));
            report.WriteLine();
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        return state with
        {
            Uploads = [.. state.Uploads, .. recorder.Acknowledged],
            UnconfirmedPhotos = [.. state.UnconfirmedPhotos, .. recorder.Unconfirmed],
        };
    }

    /// <summary>"Path-2560x1600.jpg" for …/wallpapers/Path/contents/images/2560x1600.jpg: which photograph it was.</summary>
    public static string PhotoName(string path) =>
        $"{Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path))))}-{Path.GetFileName(path)}";
}
