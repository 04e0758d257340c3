namespace AbParts.Infrastructure.Video;

/// <summary>Where ffprobe and ffmpeg are and how long one run of either may take.</summary>
/// <param name="FfprobePath">The ffprobe executable: a file name looked up on <c>PATH</c>, or a full path.</param>
/// <param name="FfmpegPath">The ffmpeg executable: a file name looked up on <c>PATH</c>, or a full path.</param>
/// <param name="Timeout">How long one run may take once started; the process tree is killed after that.</param>
public sealed record FfmpegTools(string FfprobePath, string FfmpegPath, TimeSpan Timeout)
{
    /// <summary>The Debian package that provides both tools.</summary>
    public const string DebianPackage = "ffmpeg";

    /// <summary>Debian's <c>ffmpeg</c> package on <c>PATH</c>, 30 seconds per run.</summary>
    public static FfmpegTools Debian { get; } = new("ffprobe", "ffmpeg", TimeSpan.FromSeconds(30));
}
