using AbParts.Domain.Common;
using AbParts.Domain.Media;

namespace AbParts.Domain.Images;

public readonly record struct ImageAssetId(Guid Value)
{
    public static ImageAssetId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

/// <summary>
/// A compressed WebP image and its thumbnails. The aggregate holds metadata and where the bytes are;
/// the bytes themselves sit in a media store (PostgreSQL for images), so reading metadata never reads them.
/// </summary>
public sealed class ImageAsset : IAggregateRoot
{
    private readonly List<ImageThumbnail> _thumbnails = [];

    private ImageAsset() { } // EF Core

    private ImageAsset(ImageAssetId id, ImageMetadata metadata, int byteSize, ContentHash sha256,
        StorageLocation location, DateTimeOffset createdAt)
    {
        Id = id;
        ContentType = ImageLimits.StoredContentType;
        Width = metadata.Width;
        Height = metadata.Height;
        ByteSize = byteSize;
        Sha256 = sha256;
        Location = location;
        CreatedAt = createdAt;
    }

    public ImageAssetId Id { get; private set; }

    public string ContentType { get; private set; } = ImageLimits.StoredContentType;

    public int Width { get; private set; }

    public int Height { get; private set; }

    public long ByteSize { get; private set; }

    public ContentHash Sha256 { get; private set; } = null!;

    public StorageLocation Location { get; private set; } = null!;

    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyCollection<ImageThumbnail> Thumbnails => _thumbnails.AsReadOnly();

    /// <summary>Every stored object of this image: what must go when the image goes.</summary>
    public IEnumerable<StorageLocation> StoredObjects => _thumbnails.Select(t => t.Location).Prepend(Location);

    /// <summary>Describes an encoded WebP image that will be kept in <paramref name="backend"/>.</summary>
    public static ImageAsset Create(ReadOnlySpan<byte> webp, ImageMetadata metadata, StorageBackend backend,
        DateTimeOffset now)
    {
        Check(webp, metadata, ImageLimits.MaxDimension, "image");
        var id = ImageAssetId.New();
        return new ImageAsset(id, metadata, webp.Length, ContentHash.Of(webp),
            StorageLocation.Create(backend, $"images/{id.Value:N}.webp"), now);
    }

    /// <summary>Adds the thumbnail whose longest side is at most <paramref name="size"/> pixels, kept beside the image.</summary>
    public ImageThumbnail AddThumbnail(int size, ReadOnlySpan<byte> webp, ImageMetadata metadata)
    {
        if (!ImageLimits.ThumbnailSizes.Contains(size))
        {
            throw new DomainException(
                $"Thumbnails are {string.Join(", ", ImageLimits.ThumbnailSizes)} pixels; {size} is not one of them.");
        }

        if (_thumbnails.Any(t => t.Size == size))
        {
            throw new DomainException($"The image already has a {size} px thumbnail.");
        }

        Check(webp, metadata, size, $"{size} px thumbnail");
        var location = StorageLocation.Create(Location.Backend, $"images/{Id.Value:N}-{size}.webp");
        var thumbnail = new ImageThumbnail(Id, size, metadata, webp.Length, ContentHash.Of(webp), location);
        _thumbnails.Add(thumbnail);
        return thumbnail;
    }

    /// <summary>The thumbnail of <paramref name="size"/> px, or <c>null</c> if none was made.</summary>
    public ImageThumbnail? Thumbnail(int size) => _thumbnails.FirstOrDefault(t => t.Size == size);

    private static void Check(ReadOnlySpan<byte> bytes, ImageMetadata metadata, int maxDimension, string what)
    {
        if (bytes.IsEmpty)
        {
            throw new DomainException($"The {what} is empty.");
        }

        if (bytes.Length > ImageLimits.MaxBytes)
        {
            throw new DomainException(
                $"The {what} is {bytes.Length} bytes after compression; the limit is {ImageLimits.MaxBytes}.");
        }

        if (metadata.Width > maxDimension || metadata.Height > maxDimension)
        {
            throw new DomainException(
                $"The {what} is {metadata.Width}x{metadata.Height} px; its longest side may be at most {maxDimension} px.");
        }
    }
}

/// <summary>Pixel dimensions of an encoded image.</summary>
public readonly record struct ImageMetadata
{
    public ImageMetadata(int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            throw new DomainException($"An image needs positive dimensions, not {width}x{height}.");
        }

        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }
}

/// <summary>A smaller rendition of an <see cref="ImageAsset"/>, made at upload.</summary>
public sealed class ImageThumbnail
{
    private ImageThumbnail() { } // EF Core

    internal ImageThumbnail(ImageAssetId imageId, int size, ImageMetadata metadata, int byteSize, ContentHash sha256,
        StorageLocation location)
    {
        ImageId = imageId;
        Size = size;
        Width = metadata.Width;
        Height = metadata.Height;
        ByteSize = byteSize;
        Sha256 = sha256;
        Location = location;
    }

    public ImageAssetId ImageId { get; private set; }

    /// <summary>The requested longest side: 100, 200 or 300.</summary>
    public int Size { get; private set; }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public long ByteSize { get; private set; }

    public ContentHash Sha256 { get; private set; } = null!;

    public StorageLocation Location { get; private set; } = null!;
}
