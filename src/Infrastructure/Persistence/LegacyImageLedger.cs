using AbParts.Application.Common.Abstractions;
using AbParts.Application.Images;
using AbParts.Domain.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AbParts.Infrastructure.Persistence;

/// <summary><see cref="ILegacyImageLedger"/> over <c>legacy_image_imports</c>, in the unit of work's transaction.</summary>
internal sealed class LegacyImageLedger(AbPartsDbContext db) : ILegacyImageLedger
{
    public async Task<IReadOnlyList<LegacyImageRecord>> OfAsync(LegacyImageOwner owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var kind = LegacyImageImport.KindName(owner.Kind);
        var rows = await DatabaseErrors.TranslateAsync(() => db.Set<LegacyImageImport>().AsNoTracking()
            .Where(r => r.OwnerKind == kind && r.OwnerId == owner.Id)
            .ToListAsync(cancellationToken));
        return [.. rows.Select(r => new LegacyImageRecord(r.UrlIndex, r.Url, r.ImageId, r.ImportedAt))];
    }

    public async Task RecordAsync(LegacyImageOwner owner, LegacyImageRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(record);
        var kind = LegacyImageImport.KindName(owner.Kind);
        var row = await DatabaseErrors.TranslateAsync(() =>
            db.Set<LegacyImageImport>().FindAsync([kind, owner.Id, record.Index], cancellationToken).AsTask());
        if (row is null)
        {
            row = new LegacyImageImport { OwnerKind = kind, OwnerId = owner.Id, UrlIndex = record.Index };
            db.Add(row);
        }

        row.Url = record.Url;
        row.ImageId = record.ImageId;
        row.ImportedAt = record.ImportedAt;
    }
}

/// <summary>
/// A row of <c>legacy_image_imports</c>: the legacy URL at <see cref="UrlIndex"/> of an owner's legacy column (0 for
/// a photo or a logo) became <see cref="ImageId"/>, which turns null when that image is removed. The owner is not a
/// foreign key (it is one of three tables); rows of removed owners are harmless and kept, as a record.
/// </summary>
internal sealed class LegacyImageImport
{
    public string OwnerKind { get; set; } = string.Empty;

    public Guid OwnerId { get; set; }

    public int UrlIndex { get; set; }

    public string Url { get; set; } = string.Empty;

    public ImageAssetId? ImageId { get; set; }

    public DateTimeOffset ImportedAt { get; set; }

    public static string KindName(LegacyImageOwnerKind kind) => kind switch
    {
        LegacyImageOwnerKind.User => "user",
        LegacyImageOwnerKind.Organization => "organization",
        LegacyImageOwnerKind.Part => "part",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind of owner."),
    };
}

internal sealed class LegacyImageImportConfiguration : IEntityTypeConfiguration<LegacyImageImport>
{
    public void Configure(EntityTypeBuilder<LegacyImageImport> builder)
    {
        builder.ToTable("legacy_image_imports", t => t.HasCheckConstraint("ck_legacy_image_imports_owner_kind",
            "owner_kind IN ('user', 'organization', 'part')"));
        builder.HasKey(r => new { r.OwnerKind, r.OwnerId, r.UrlIndex });
        builder.Property(r => r.OwnerKind).HasMaxLength(20);
        builder.Property(r => r.Url).HasColumnType("text");
        builder.Property(r => r.ImageId).HasConversion(id => id!.Value.Value, value => new ImageAssetId(value));
        builder.HasOne<ImageAsset>().WithMany().HasForeignKey(r => r.ImageId).OnDelete(DeleteBehavior.SetNull);
    }
}
