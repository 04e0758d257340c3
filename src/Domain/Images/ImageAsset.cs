using AbParts.Domain.Common;

namespace AbParts.Domain.Images;

public readonly record struct ImageAssetId(Guid Value)
{
    public static ImageAssetId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

/// <summary>
/// A compressed image kept in PostgreSQL with its thumbnails. Its metadata lives apart from its bytes
/// (<see cref="ImageContent"/>), so reading metadata never reads the image.
/// </summary>
public sealed class ImageAsset : IAggregateRoot
{
    private readonly List<ImageThumbnail> _thumbnails = [];

    private ImageAsset() { } // EF Core

    private ImageAsset(ImageAssetId id, ImageMetadata metadata, byte[] bytes, DateTimeOffset createdAt)
    {
        Id = id;
        ContentType = ImageLimits.StoredContentType;
        Width = metadata.Width;
        Height = metadata.Height;
        ByteSize = bytes.Length;
        Sha256 = ContentHash.Of(bytes);
        CreatedAt = createdAt;
        Content = new ImageContent(id, bytes);
    }

    public ImageAssetId Id { get; private set; }

    public string ContentType { get; private set; } = ImageLimits.StoredContentType;

    public int Width { get; private set; }

    public int Height { get; private set; }

    public long ByteSize { get; private set; }

    public ContentHash Sha256 { get; private set; } = null!;

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The bytes; loaded only when the image itself is served, otherwise <c>null</c>.</summary>
    public ImageContent? Content { get; private set; }

    public IReadOnlyCollection<ImageThumbnail> Thumbnails => _thumbnails.AsReadOnly();

    /// <summary>Stores an encoded WebP image of the given pixel size.</summary>
    public static ImageAsset Create(byte[] webp, ImageMetadata metadata, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(webp);
        Check(webp, metadata, ImageLimits.MaxDimension, "image");
        return new ImageAsset(ImageAssetId.New(), metadata, webp, now);
    }

    /// <summary>Adds the thumbnail whose longest side is at most <paramref name="size"/> pixels.</summary>
    public void AddThumbnail(int size, byte[] webp, ImageMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(webp);
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
        _thumbnails.Add(new ImageThumbnail(Id, size, metadata.Width, metadata.Height, webp));
    }

    private static void Check(byte[] bytes, ImageMetadata metadata, int maxDimension, string what)
    {
        if (bytes.Length == 0)
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

/// <summary>The encoded bytes of an <see cref="ImageAsset"/>, in a table of their own.</summary>
public sealed class ImageContent
{
    private ImageContent() { } // EF Core

    internal ImageContent(ImageAssetId imageId, byte[] data)
    {
        ImageId = imageId;
        Data = data;
    }

    public ImageAssetId ImageId { get; private set; }

#pragma warning disable CA1819 // the bytes are the value; copying them on every read would defeat the purpose
    public byte[] Data { get; private set; } = [];
#pragma warning restore CA1819
}

/// <summary>A smaller rendition of an <see cref="ImageAsset"/>, made at upload.</summary>
public sealed class ImageThumbnail
{
    private ImageThumbnail() { } // EF Core

    internal ImageThumbnail(ImageAssetId imageId, int size, int width, int height, byte[] data)
    {
        ImageId = imageId;
        Size = size;
        Width = width;
        Height = height;
        ByteSize = data.Length;
        Sha256 = ContentHash.Of(data);
        Data = data;
    }

    public ImageAssetId ImageId { get; private set; }

    /// <summary>The requested longest side: 100, 200 or 300.</summary>
    public int Size { get; private set; }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public long ByteSize { get; private set; }

    public ContentHash Sha256 { get; private set; } = null!;

#pragma warning disable CA1819 // see ImageContent.Data
    public byte[] Data { get; private set; } = [];
#pragma warning restore CA1819
}
