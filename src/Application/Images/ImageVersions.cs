using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Security;
using AbParts.Domain.Images;
using Ardalis.Specification;

namespace AbParts.Application.Images;

/// <summary>
/// The versions of the images an answer links to (a user's photo, an organization's logo, a part's gallery), for
/// the images the caller may read. The HTTP layer signs URLs pinned to them, so an answer hands out a signed URL
/// only to a reader the image's own rule admits (ADR 0031).
/// </summary>
public sealed class ImageVersions(IRepository<ImageAsset> images, ICurrentUser currentUser)
{
    /// <summary>Each candidate image whose audience admits the caller, by id, with its version (the SHA-256 of the full image).</summary>
    public async Task<IReadOnlyDictionary<ImageAssetId, string>> ReadableAsync(
        IEnumerable<(ImageAssetId Image, MediaAudience Audience)> candidates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var ids = candidates.Where(c => MediaAudience.Admits(c.Audience, currentUser.Caller))
            .Select(c => c.Image).Distinct().ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<ImageAssetId, string>();
        }

        var found = await images.ListAsync(new ImagesByIdsSpec(ids), cancellationToken);
        return found.ToDictionary(i => i.Id, i => i.Sha256.Value);
    }

    /// <summary>
    /// For owners of one image each (a user's photo, an organization's logo): a lookup of each owner's image version,
    /// <c>null</c> when it has no image or the caller may not read it.
    /// </summary>
    public async Task<Func<TOwner, string?>> OfEachAsync<TOwner>(IReadOnlyCollection<TOwner> owners,
        Func<TOwner, ImageAssetId?> image, Func<TOwner, MediaAudience> audience, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owners);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(audience);
        var readable = await ReadableAsync(owners
            .Where(o => image(o) is not null)
            .Select(o => (image(o)!.Value, audience(o))), cancellationToken);
        return owner => image(owner) is { } id ? readable.GetValueOrDefault(id) : null;
    }
}

public sealed class ImagesByIdsSpec : Specification<ImageAsset>
{
    public ImagesByIdsSpec(IReadOnlyCollection<ImageAssetId> ids)
    {
        Query.Where(i => ids.Contains(i.Id))
            .AsNoTracking();
    }
}
