using AbParts.Domain.Media;
using Microsoft.Extensions.Options;

namespace AbParts.Application.Common.Abstractions;

public enum MediaKind
{
    Image,
    Video,
    File,
}

/// <summary><c>Storage:Videos</c>: where videos and large files go.</summary>
public sealed class VideoStorageOptions
{
    public const string SectionName = "Storage:Videos";

    public StorageBackend Backend { get; set; } = StorageBackend.Local;
}

/// <summary>
/// The hybrid rule, in one place: an image that fits <see cref="ImageOptions.MaxBytes"/> after
/// compression, or a chat file's original that fits it as sent, goes to PostgreSQL (so a database backup
/// holds it); a video, or anything over that limit, goes to the configured video store.
/// </summary>
public sealed class StoragePolicy(IOptions<ImageOptions> images, IOptions<VideoStorageOptions> videos)
{
    public StorageBackend Choose(MediaKind kind, long byteSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteSize);
        return kind != MediaKind.Video && byteSize <= images.Value.MaxBytes ? StorageBackend.Postgres : VideoBackend();
    }

    private StorageBackend VideoBackend() => videos.Value.Backend == StorageBackend.Postgres
        ? throw new InvalidOperationException($"{VideoStorageOptions.SectionName}:Backend must be Local or S3.")
        : videos.Value.Backend;
}
