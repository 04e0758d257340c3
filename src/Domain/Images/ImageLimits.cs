namespace AbParts.Domain.Images;

/// <summary>The hard limits of a stored image. Configuration may tighten them, never loosen them.</summary>
public static class ImageLimits
{
    /// <summary>Largest stored (already compressed) image: 500 KB.</summary>
    public const int MaxBytes = 512_000;

    /// <summary>Longest side of a stored image in pixels.</summary>
    public const int MaxDimension = 1024;

    /// <summary>The only format images are stored in.</summary>
    public const string StoredContentType = "image/webp";

    /// <summary>Longest side, in pixels, of each thumbnail made at upload.</summary>
    public static IReadOnlyList<int> ThumbnailSizes { get; } = [100, 200, 300];
}
