using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Video;

/// <summary>
/// A scratch folder of inputs made with Debian's ffmpeg at test time, each on first use: well-formed videos in
/// every container we accept, and the odd and hostile files uploads will bring.
/// </summary>
public sealed class VideoSamples : IDisposable
{
    private static readonly string[] Picture640X360 = ["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25"];
    private static readonly string[] Tone = ["-f", "lavfi", "-i", "sine=frequency=440"];
    private static readonly string[] H264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p"];

    private readonly Lock _making = new();

    public string Folder { get; } = Directory.CreateTempSubdirectory("abparts-video-").FullName;

    /// <summary>3 s, 640x360, H.264 and AAC, moov at the end (ffmpeg's default).</summary>
    public string Mp4 => Make("h264-aac.mp4", path => Ffmpeg([.. Picture640X360, .. Tone, "-t", "3", .. H264, "-c:a", "aac", path]));

    /// <summary><see cref="Mp4"/> with the moov atom moved to the front.</summary>
    public string FaststartMp4 => Make("h264-aac-faststart.mp4",
        path => Ffmpeg([.. Picture640X360, .. Tone, "-t", "3", .. H264, "-c:a", "aac", "-movflags", "+faststart", path]));

    /// <summary>2 s, 640x360, VP9 and Opus.</summary>
    public string Webm => Make("vp9-opus.webm", path => Ffmpeg([.. Picture640X360, .. Tone, "-t", "2",
        "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "40", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus", path]));

    /// <summary>2 s, 320x240, H.264 and AAC in a QuickTime file.</summary>
    public string Mov => Make("h264-aac.mov", path => Ffmpeg(["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", .. Tone,
        "-t", "2", .. H264, "-c:a", "aac", path]));

    /// <summary>2 s, 640x360, H.264, no audio stream at all.</summary>
    public string SilentMp4 => Make("h264-silent.mp4", path => Ffmpeg([.. Picture640X360, "-t", "2", .. H264, "-an", path]));

    /// <summary><see cref="Mp4"/> stream-copied with a 90° display rotation, as a phone held upright records it.</summary>
    public string RotatedMp4 => Make("h264-rotated-90.mp4",
        path => Ffmpeg(["-i", Mp4, "-c", "copy", "-metadata:s:v:0", "rotate=90", path]));

    /// <summary>1 s, 1280x720, H.264: wider than a poster, and shorter than the poster's usual 1 s mark needs.</summary>
    public string ShortHdMp4 => Make("h264-720p-1s.mp4", path => Ffmpeg(["-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25",
        "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path]));

    /// <summary>The first 30 % of <see cref="Mp4"/>: its moov atom (at the end) is gone.</summary>
    public string TruncatedMp4 => Make("truncated.mp4", path => CopyHead(Mp4, path, 0.3));

    /// <summary>The first 30 % of <see cref="FaststartMp4"/>: the header is whole, most of the media data is gone.</summary>
    public string TruncatedFaststartMp4 => Make("truncated-faststart.mp4", path => CopyHead(FaststartMp4, path, 0.3));

    public string TextAsMp4 => Make("notes.mp4", path => File.WriteAllText(path, "These are meeting notes, not a video.\n"));

    public string EmptyMp4 => Make("empty.mp4", path => File.WriteAllBytes(path, []));

    /// <summary>2 s of AAC in an MP4 file, no picture.</summary>
    public string AudioOnlyMp4 => Make("aac-only.mp4", path => Ffmpeg([.. Tone, "-t", "2", "-c:a", "aac", path]));

    /// <summary>AAC with a JPEG cover: ffprobe lists the cover as a video stream marked attached_pic.</summary>
    public string AudioWithCoverArtMp4 => Make("aac-cover.mp4", path =>
    {
        var cover = Path.Combine(Folder, "cover.jpg");
        Ffmpeg(["-f", "lavfi", "-i", "testsrc=size=320x320", "-frames:v", "1", cover]);
        Ffmpeg(["-i", AudioOnlyMp4, "-i", cover, "-map", "0", "-map", "1", "-c", "copy", "-disposition:v:0", "attached_pic", path]);
    });

    /// <summary>An MPEG transport stream named .mp4: a real video, in a container we do not accept.</summary>
    public string TransportStreamAsMp4 => Make("transport-stream.mp4", path => Ffmpeg([.. Picture640X360, "-t", "1",
        "-c:v", "mpeg2video", "-f", "mpegts", path]));

    /// <summary><see cref="Mp4"/> under a name with spaces that starts with '-', as an option would.</summary>
    public string DashAndSpacesMp4 => Make("-i evil name with spaces.mp4", path => File.Copy(Mp4, path));

    /// <summary>A new named pipe that nobody writes to: whoever opens it for reading waits for ever.</summary>
    public string NewFifo()
    {
        var path = Path.Combine(Folder, $"stuck-{Guid.NewGuid():N}.mp4");
        Cli.Run("mkfifo", "coreutils", [path]);
        return path;
    }

    /// <summary>Writes bytes to the scratch folder so ffprobe can read them back.</summary>
    public string Save(byte[] bytes, string name)
    {
        var path = Path.Combine(Folder, $"{Guid.NewGuid():N}-{name}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Width and height as ffprobe reads them from a file (an image or a video's first stream).</summary>
    public static (int Width, int Height) FrameSize(string path)
    {
        var csv = Cli.Run("ffprobe", "ffmpeg", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
            "-of", "csv=p=0", "file:" + path]).Trim().Split(',');
        return (int.Parse(csv[0], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(csv[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The ids of the processes whose command line mentions <paramref name="text"/> (Linux /proc).</summary>
    public static IReadOnlyList<int> ProcessesMentioning(string text)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "cmdline")).Contains(text, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private string Make(string name, Action<string> make)
    {
        var path = Path.Combine(Folder, name);
        lock (_making)
        {
            if (!File.Exists(path))
            {
                make(path);
            }
        }

        return path;
    }

    private static void CopyHead(string source, string target, double fraction)
    {
        var bytes = File.ReadAllBytes(source);
        File.WriteAllBytes(target, bytes[..(int)(bytes.Length * fraction)]);
    }

    private static void Ffmpeg(string[] arguments) => Cli.Ffmpeg(arguments);
}
