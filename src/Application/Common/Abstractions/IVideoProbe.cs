namespace AbParts.Application.Common.Abstractions;

/// <summary>
/// Reads a video file's facts and makes its poster frame (ffprobe and ffmpeg run as processes).
/// Throws <see cref="Exceptions.UnprocessableMediaException"/> when the file is not a video it can read.
/// </summary>
public interface IVideoProbe
{
    Task<VideoFacts> ProbeAsync(string path, CancellationToken cancellationToken);

    /// <summary>A still frame near the start (1 s in, or the middle of a shorter video), encoded as JPEG.</summary>
    Task<byte[]> PosterAsync(string path, VideoFacts facts, CancellationToken cancellationToken);
}

/// <param name="Container">ffprobe's format name, e.g. <c>mov,mp4,m4a,3gp,3g2,mj2</c> or <c>matroska,webm</c>.</param>
public sealed record VideoFacts(double DurationSeconds, int Width, int Height, string VideoCodec, string? AudioCodec,
    string Container);
