using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Infrastructure.Processes;
using Microsoft.Extensions.Logging;

namespace AbParts.Infrastructure.Video;

/// <summary>
/// <see cref="IVideoProbe"/> on Debian's ffprobe and ffmpeg, run as child processes (<see cref="ChildProcess"/>; why not
/// FFMpegCore: ADR 0029).
/// </summary>
/// <remarks>
/// The input is always passed as <c>file:&lt;full path&gt;</c>, so a name with spaces, a leading '-' or a ':' is
/// neither an option nor a protocol. Only the file protocol and the two demuxers our uploads can need
/// (<see cref="AllowedDemuxers"/>: MP4/MOV and Matroska/WebM) are allowed, so a hostile file cannot make ffmpeg
/// open playlists, other local files or the network. Thread-safe; at most <see cref="Environment.ProcessorCount"/>
/// tool processes run at once, each for at most <see cref="FfmpegTools.Timeout"/>.
/// </remarks>
public sealed partial class FfmpegVideoProbe(ILogger<FfmpegVideoProbe> logger, FfmpegTools tools) : IVideoProbe
{
    /// <summary>ffmpeg's <c>-format_whitelist</c>: the <c>mov,mp4,m4a,3gp,3g2,mj2</c> and <c>matroska,webm</c> demuxers.</summary>
    public const string AllowedDemuxers = "mov,matroska";

    /// <summary>The poster is at most this wide; the height keeps the aspect ratio (rounded to even).</summary>
    public const int PosterMaxWidth = 1024;

    private const int MaxReportBytes = 4 * 1024 * 1024;
    private const int MaxPosterBytes = 16 * 1024 * 1024;

    /// <summary>At most this many ffprobe/ffmpeg runs are under way in this process at any moment.</summary>
    private static readonly SemaphoreSlim Gate = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public async Task<VideoFacts> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var fullPath = Existing(path);
        var started = Stopwatch.GetTimestamp();
        var result = await RunAsync(tools.FfprobePath,
            ["-v", "error", .. InputSafety, "-print_format", "json", "-show_format", "-show_streams", "file:" + fullPath],
            MaxReportBytes, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Rejected("ffprobe", fullPath, result);
        }

        var facts = FfprobeReport.Parse(Encoding.UTF8.GetString(result.Output));
        LogProbed(logger, Path.GetFileName(fullPath), facts.DurationSeconds, facts.Width, facts.Height, facts.VideoCodec,
            facts.AudioCodec ?? "none", facts.Container, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return facts;
    }

    public async Task<byte[]> PosterAsync(string path, VideoFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var fullPath = Existing(path);
        var at = PosterTime(facts.DurationSeconds).ToString("0.###", CultureInfo.InvariantCulture);
        var result = await RunAsync(tools.FfmpegPath,
            ["-nostdin", "-v", "error", .. InputSafety, "-ss", at, "-i", "file:" + fullPath,
             "-map", "0:V:0", "-frames:v", "1", "-vf", $"scale='min({PosterMaxWidth},iw)':-2",
             "-f", "image2", "-c:v", "mjpeg", "-q:v", "3", "pipe:1"],
            MaxPosterBytes, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Rejected("ffmpeg", fullPath, result);
        }

        // ffmpeg exits 0 with no frame when the seek lands past the data it could decode (a truncated file).
        if (result.Output is not [0xFF, 0xD8, ..])
        {
            LogNoPoster(logger, Path.GetFileName(fullPath), at);
            throw new UnprocessableMediaException(
                $"The video cannot be read: no frame could be decoded at {at} s (the file may be truncated).");
        }

        LogPoster(logger, Path.GetFileName(fullPath), at, result.Output.Length);
        return result.Output;
    }

    /// <summary>1 s in, or the middle of a video shorter than 2 s.</summary>
    internal static double PosterTime(double durationSeconds) => durationSeconds < 2 ? durationSeconds / 2 : 1;

    /// <summary>The full path of a file the caller stored; its absence is a bug on our side, not a bad upload.</summary>
    private static string Existing(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        return File.Exists(fullPath)
            ? fullPath
            : throw new FileNotFoundException("The video file to read does not exist.", fullPath);
    }

    /// <exception cref="InvalidOperationException">The tool is not installed.</exception>
    /// <exception cref="UnprocessableMediaException">The tool ran out of time or printed more than <paramref name="maxOutputBytes"/>.</exception>
    private async Task<ChildProcessResult> RunAsync(string executable, IReadOnlyList<string> arguments, int maxOutputBytes,
        CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            return await ChildProcess.RunAsync(
                new ChildProcessStart(executable, arguments) { Timeout = tools.Timeout, MaxOutputBytes = maxOutputBytes },
                cancellationToken);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{executable}' could not be started ({e.Message}). Install Debian's {FfmpegTools.DebianPackage} package " +
                $"(apt-get install {FfmpegTools.DebianPackage}), which provides ffprobe and ffmpeg.", e);
        }
        catch (ChildProcessLimitException e)
        {
            throw new UnprocessableMediaException($"The video cannot be read: {e.Message}.", e);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The input options that keep a hostile file to its own bytes and to the demuxers we accept.</summary>
    private static string[] InputSafety => ["-protocol_whitelist", "file", "-format_whitelist", AllowedDemuxers];

    private UnprocessableMediaException Rejected(string tool, string fullPath, ChildProcessResult result)
    {
        var reason = ToolErrors.OneLine(result.Errors, fullPath);
        LogRejected(logger, tool, Path.GetFileName(fullPath), result.ExitCode, reason);
        if (reason.Contains("not on whitelist", StringComparison.Ordinal))
        {
            return new UnprocessableMediaException(
                "The video cannot be read: its container is not MP4, MOV or WebM (ffmpeg: " + reason + ").");
        }

        return new UnprocessableMediaException(reason.Length == 0
            ? string.Create(CultureInfo.InvariantCulture, $"The video cannot be read: {tool} failed with exit code {result.ExitCode}.")
            : $"The video cannot be read: {reason}.");
    }

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "Probed {FileName}: {DurationSeconds} s, {Width}x{Height}, {VideoCodec}/{AudioCodec} in {Container} ({ElapsedMs} ms)")]
    private static partial void LogProbed(ILogger logger, string fileName, double durationSeconds, int width, int height,
        string videoCodec, string audioCodec, string container, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Made a {Bytes}-byte poster of {FileName} at {At} s")]
    private static partial void LogPoster(ILogger logger, string fileName, string at, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ffmpeg decoded no frame of {FileName} at {At} s")]
    private static partial void LogNoPoster(ILogger logger, string fileName, string at);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Tool} rejected {FileName} with exit code {ExitCode}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string tool, string fileName, int exitCode, string reason);
}
