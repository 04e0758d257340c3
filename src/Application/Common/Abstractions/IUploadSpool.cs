namespace AbParts.Application.Common.Abstractions;

/// <summary>
/// Streams an upload to a temporary file (videos are never held in memory), refusing it with
/// <see cref="Exceptions.PayloadTooLargeException"/> as soon as it passes <paramref name="maxBytes"/>.
/// </summary>
public interface IUploadSpool
{
    Task<SpooledFile> SpoolAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Deletes spooled files last written before <paramref name="before"/> (left by a crash); returns how many.</summary>
    int Sweep(DateTimeOffset before);
}

/// <summary>A spooled upload; disposing it deletes the temporary file.</summary>
public abstract class SpooledFile : IAsyncDisposable
{
    public abstract string Path { get; }

    public abstract long Length { get; }

    /// <summary>The first bytes of the file (up to 8 KB), for recognising its format (text needs more than magic bytes).</summary>
    public abstract ReadOnlyMemory<byte> Header { get; }

    public abstract Stream OpenRead();

    public abstract ValueTask DisposeAsync();
}

/// <summary><c>Videos</c> configuration.</summary>
public sealed class VideoOptions
{
    public const string SectionName = "Videos";

    /// <summary>Largest video upload (100 MB); more is refused with 413 and leaves nothing behind.</summary>
    public long MaxBytes { get; set; } = 100L * 1024 * 1024;
}

/// <summary><c>Storage:Sweep</c>: removing what a crash or a failed commit left behind.</summary>
public sealed class SweepOptions
{
    public const string SectionName = "Storage:Sweep";

    /// <summary>Only leftovers older than this are removed, so uploads in progress are never touched.</summary>
    public TimeSpan MinAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the service sweeps by itself; zero turns the background sweep off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
