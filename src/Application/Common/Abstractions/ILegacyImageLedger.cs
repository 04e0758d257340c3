using AbParts.Application.Images;
using AbParts.Domain.Images;

namespace AbParts.Application.Common.Abstractions;

/// <summary>
/// The legacy import's own record of which legacy URL became which image (<c>legacy_image_imports</c>). It makes a
/// rerun resume a part's gallery URL by URL, keeps an image a user or an admin removed after the import from coming
/// back, and lets a rollback remove exactly what the import added.
/// </summary>
public interface ILegacyImageLedger
{
    /// <summary>What was imported for <paramref name="owner"/>, in no particular order.</summary>
    Task<IReadOnlyList<LegacyImageRecord>> OfAsync(LegacyImageOwner owner, CancellationToken cancellationToken);

    /// <summary>
    /// Records in the unit of work (saved with the owner's images) what the URL at <see cref="LegacyImageRecord.Index"/>
    /// became, replacing an earlier record of that place (whose URL has changed since).
    /// </summary>
    Task RecordAsync(LegacyImageOwner owner, LegacyImageRecord record, CancellationToken cancellationToken);
}

/// <param name="Index">The URL's place in its legacy column (0 for a photo or a logo).</param>
/// <param name="ImageId">The image it became; null once that image was removed.</param>
public sealed record LegacyImageRecord(int Index, string Url, ImageAssetId? ImageId, DateTimeOffset ImportedAt);
