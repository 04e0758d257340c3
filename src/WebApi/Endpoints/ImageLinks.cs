using System.Globalization;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Parts;
using AbParts.WebApi.Auth;
using Microsoft.Extensions.Options;

namespace AbParts.WebApi.Endpoints;

/// <summary>
/// Where an image is served, as signed URLs pinned to its version: the full image and each thumbnail size by its
/// size (<c>"100"</c>, <c>"200"</c>, <c>"300"</c>). The signature covers <c>size</c> too, so each size has its own URL.
/// </summary>
public sealed record ImageLinks(string Url, IReadOnlyDictionary<string, string> Thumbnails);

/// <summary>A part's gallery image: its index (0 is the first) and its signed URLs, as in <see cref="ImageLinks"/>.</summary>
public sealed record PartImageLinks(int Index, string Url, IReadOnlyDictionary<string, string> Thumbnails);

/// <summary>Signs the URLs of images that answers link to. Only versions the application found readable reach it.</summary>
public sealed class ImageLinkSigner(UrlSigner signer, IOptions<ImageOptions> options)
{
    /// <summary>A signed URL of the image at <paramref name="path"/> (a thumbnail when <paramref name="size"/> is given), pinned to <paramref name="version"/>.</summary>
    public string Sign(string path, string version, int? size = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        var pin = version[..ImagesEndpoints.VersionLength];
        return signer.Sign(size is { } thumbnail ? $"{path}?size={thumbnail}&v={pin}" : $"{path}?v={pin}");
    }

    /// <summary>The links of the image at <paramref name="path"/>, or <c>null</c> without a version (no image, or not the caller's to read).</summary>
    public ImageLinks? For(string path, string? version) =>
        version is null ? null : new ImageLinks(Sign(path, version), Thumbnails(path, version));

    /// <summary>The links of a part's gallery, in order.</summary>
    public IReadOnlyList<PartImageLinks> ForGallery(Guid partId, IReadOnlyList<PartImageVersion>? gallery) =>
        (gallery ?? []).Select(image =>
        {
            var path = $"/images/parts/{partId}/{image.Index}";
            return new PartImageLinks(image.Index, Sign(path, image.Version), Thumbnails(path, image.Version));
        }).ToList();

    private Dictionary<string, string> Thumbnails(string path, string version) =>
        options.Value.ThumbnailSizes.Order().ToDictionary(size => size.ToString(CultureInfo.InvariantCulture),
            size => Sign(path, version, size));
}
