using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Parts;

namespace AbParts.Domain.Videos;

public readonly record struct VideoAssetId(Guid Value)
{
    public static VideoAssetId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

/// <summary>What a support video is about (the old system's categories).</summary>
public enum SupportVideoCategory
{
    MachineSetup,
    Maintenance,
    Troubleshooting,
}

/// <summary>What a part video shows (the old system's video types).</summary>
public enum PartVideoType
{
    Demo,
    Installation,
    Maintenance,
}

/// <summary>The accepted video containers, recognised by their first bytes and by extension.</summary>
public sealed record VideoFormat(string Name, string ContentType, string Extension)
{
    public static readonly VideoFormat Mp4 = new("mp4", "video/mp4", ".mp4");
    public static readonly VideoFormat QuickTime = new("mov", "video/quicktime", ".mov");
    public static readonly VideoFormat WebM = new("webm", "video/webm", ".webm");

    public static IReadOnlyList<VideoFormat> All { get; } = [Mp4, QuickTime, WebM];

    /// <summary>The format a file's first bytes announce (ISO BMFF <c>ftyp</c> or EBML), or <c>null</c>.</summary>
    public static VideoFormat? Detect(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 12 && header[4..8].SequenceEqual("ftyp"u8))
        {
            return header[8..12].SequenceEqual("qt  "u8) ? QuickTime : Mp4;
        }

        return header.Length >= 4 && header[..4].SequenceEqual(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }) ? WebM : null;
    }

    /// <summary>The format a file name's extension names, or <c>null</c>.</summary>
    public static VideoFormat? FromFileName(string? fileName) =>
        All.FirstOrDefault(f => string.Equals(Path.GetExtension(fileName), f.Extension, StringComparison.OrdinalIgnoreCase));

    /// <summary>MP4 and QuickTime share a container: either extension fits either brand.</summary>
    public bool SameFamilyAs(VideoFormat other) =>
        ReferenceEquals(this, other) || (this != WebM && other != WebM);
}

/// <summary>
/// A video kept in the video store (disk or S3), described here: its facts, where its bytes are, and its
/// poster frame (an image in PostgreSQL). Either a support video (with a category) or a part video (with a type).
/// </summary>
public sealed class VideoAsset : IAggregateRoot
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 4000;

    private VideoAsset() { } // EF Core

    public VideoAssetId Id { get; private set; }

    public string Title { get; private set; } = string.Empty;

    public string? Description { get; private set; }

    public SupportVideoCategory? Category { get; private set; }

    public PartId? PartId { get; private set; }

    public PartVideoType? VideoType { get; private set; }

    public string ContentType { get; private set; } = string.Empty;

    public long ByteSize { get; private set; }

    public ContentHash Sha256 { get; private set; } = null!;

    public double DurationSeconds { get; private set; }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public StorageLocation Location { get; private set; } = null!;

    public ImageAssetId? PosterImageId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsSupportVideo => Category is not null;

    /// <summary>
    /// Points the video at the same key in the other video store, once its bytes have been verified there
    /// (<c>media sync --switch</c>); the key, and so every URL, stays the same.
    /// </summary>
    public void MoveTo(StorageBackend backend, DateTimeOffset now)
    {
        if (backend == StorageBackend.Postgres)
        {
            throw new DomainException("Videos are kept in the video store, not in PostgreSQL.");
        }

        Location = StorageLocation.Create(backend, Location.Key);
        UpdatedAt = now;
    }

    /// <summary>The key a new video's bytes are stored under: made from its id, never from the client's file name.</summary>
    public static (VideoAssetId Id, string Key) NewKey(VideoFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var id = VideoAssetId.New();
        return (id, $"videos/{id.Value:N}{format.Extension}");
    }

    public static VideoAsset CreateSupportVideo(VideoAssetId id, string title, string? description,
        SupportVideoCategory category, StoredVideo stored, DateTimeOffset now)
    {
        var video = Create(id, title, description, stored, now);
        video.Category = Enum.IsDefined(category) ? category : throw new DomainException($"Unknown category '{category}'.");
        return video;
    }

    public static VideoAsset CreatePartVideo(VideoAssetId id, PartId partId, string title, string? description,
        PartVideoType videoType, StoredVideo stored, DateTimeOffset now)
    {
        var video = Create(id, title, description, stored, now);
        video.PartId = partId;
        video.VideoType = Enum.IsDefined(videoType) ? videoType : throw new DomainException($"Unknown video type '{videoType}'.");
        return video;
    }

    private static VideoAsset Create(VideoAssetId id, string title, string? description, StoredVideo stored,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.ByteSize <= 0)
        {
            throw new DomainException("A video cannot be empty.");
        }

        if (stored.DurationSeconds <= 0 || double.IsNaN(stored.DurationSeconds) || stored.Width <= 0 || stored.Height <= 0)
        {
            throw new DomainException("A video needs a positive duration and dimensions.");
        }

        if (stored.Location.Backend == StorageBackend.Postgres)
        {
            throw new DomainException("Videos are kept in the video store, not in PostgreSQL.");
        }

        return new VideoAsset
        {
            Id = id,
            Title = Text.Required(title, "video title", TitleMaxLength),
            Description = Text.Optional(description, "video description", DescriptionMaxLength),
            ContentType = stored.Format.ContentType,
            ByteSize = stored.ByteSize,
            Sha256 = stored.Sha256,
            DurationSeconds = stored.DurationSeconds,
            Width = stored.Width,
            Height = stored.Height,
            Location = stored.Location,
            PosterImageId = stored.PosterImageId,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}

/// <summary>The facts of a video whose bytes are safely stored.</summary>
public sealed record StoredVideo(VideoFormat Format, long ByteSize, ContentHash Sha256, double DurationSeconds, int Width,
    int Height, StorageLocation Location, ImageAssetId? PosterImageId);

public static class VideoNames
{
    public static string ToName(this SupportVideoCategory category) => category switch
    {
        SupportVideoCategory.MachineSetup => "machine_setup",
        SupportVideoCategory.Maintenance => "maintenance",
        SupportVideoCategory.Troubleshooting => "troubleshooting",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    public static string ToName(this PartVideoType type) => type switch
    {
        PartVideoType.Demo => "demo",
        PartVideoType.Installation => "installation",
        PartVideoType.Maintenance => "maintenance",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParseCategory(string? name, out SupportVideoCategory category)
    {
        var found = Enum.GetValues<SupportVideoCategory>().Where(c => c.ToName() == name).ToList();
        category = found.FirstOrDefault();
        return found.Count == 1;
    }

    public static bool TryParseVideoType(string? name, out PartVideoType type)
    {
        var found = Enum.GetValues<PartVideoType>().Where(t => t.ToName() == name).ToList();
        type = found.FirstOrDefault();
        return found.Count == 1;
    }

    public static SupportVideoCategory ParseCategory(string name) => TryParseCategory(name, out var category)
        ? category
        : throw new DomainException($"Unknown category '{name}'. Expected one of: {string.Join(", ", Categories)}.");

    public static PartVideoType ParseVideoType(string name) => TryParseVideoType(name, out var type)
        ? type
        : throw new DomainException($"Unknown video type '{name}'. Expected one of: {string.Join(", ", VideoTypes)}.");

    public static IReadOnlyList<string> Categories { get; } = Enum.GetValues<SupportVideoCategory>().Select(c => c.ToName()).ToList();

    public static IReadOnlyList<string> VideoTypes { get; } = Enum.GetValues<PartVideoType>().Select(t => t.ToName()).ToList();
}
