using AbParts.Tests.Support;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>Small test videos made once per run with Debian's ffmpeg (installed by ./build/test.sh).</summary>
public static class SampleVideos
{
    private static readonly Lazy<byte[]> Mp4Bytes = new(() => Make("clip.mp4",
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
        "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"));
    private static readonly Lazy<byte[]> NoisyMp4Bytes = new(() => Make("noisy.mp4",
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "2", "-vf", "noise=alls=60:allf=t",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
    private static readonly Lazy<byte[]> WebmBytes = new(() => Make("clip.webm",
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15", "-t", "1", "-c:v", "libvpx", "-b:v", "200k", "-deadline", "realtime"));

    /// <summary>2 s, 320x240, H.264 and AAC.</summary>
    public static byte[] Mp4 => Mp4Bytes.Value;

    /// <summary>
    /// 2 s, 320x240, H.264 of noise, which does not compress: about 2 MB, well past the 64 KB of a form that ASP.NET Core
    /// keeps in memory, so its upload is buffered on disk.
    /// </summary>
    public static byte[] NoisyMp4 => NoisyMp4Bytes.Value;

    /// <summary>1 s, 320x240, VP8.</summary>
    public static byte[] WebM => WebmBytes.Value;

    /// <summary>Runs ffmpeg into a temporary folder and keeps only the bytes: nothing is left on disk.</summary>
    private static byte[] Make(string name, params string[] arguments)
    {
        var folder = Directory.CreateTempSubdirectory("abparts-videos-");
        try
        {
            var path = Path.Combine(folder.FullName, name);
            AbParts.Tests.Support.Cli.Ffmpeg([.. arguments, path]);
            return File.ReadAllBytes(path);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
