using AbParts.Domain.Images;
using AbParts.Domain.Media;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AbParts.Infrastructure.Persistence.Configurations;

/// <summary>Image metadata in <c>images</c> and <c>image_thumbnails</c>; the bytes are in a media store (<c>media_blobs</c>).</summary>
internal sealed class ImageAssetConfiguration : IEntityTypeConfiguration<ImageAsset>
{
    public void Configure(EntityTypeBuilder<ImageAsset> builder)
    {
        builder.ToTable("images", t =>
        {
            t.HasCheckConstraint("ck_images_dimensions", "width > 0 AND height > 0");
            t.HasCheckConstraint("ck_images_byte_size", $"byte_size > 0 AND byte_size <= {ImageLimits.MaxBytes}");
            t.HasCheckConstraint("ck_images_storage_backend", StorageColumns.BackendCheck);
        });
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).HasConversion(id => id.Value, value => new ImageAssetId(value)).ValueGeneratedNever();
        builder.Property(i => i.ContentType).HasMaxLength(100);
        builder.Property(i => i.Sha256).HasConversion(hash => hash.Value, value => ContentHash.Parse(value))
            .HasMaxLength(ContentHash.Length).IsFixedLength();
        builder.ComplexProperty(i => i.Location, StorageColumns.Map);

        builder.HasMany(i => i.Thumbnails).WithOne().HasForeignKey(t => t.ImageId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(i => i.Thumbnails).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Ignore(i => i.StoredObjects);
    }
}

internal sealed class ImageThumbnailConfiguration : IEntityTypeConfiguration<ImageThumbnail>
{
    public void Configure(EntityTypeBuilder<ImageThumbnail> builder)
    {
        builder.ToTable("image_thumbnails", t =>
        {
            t.HasCheckConstraint("ck_image_thumbnails_size",
                $"size IN ({string.Join(", ", ImageLimits.ThumbnailSizes)}) AND width > 0 AND height > 0 AND width <= size AND height <= size");
            t.HasCheckConstraint("ck_image_thumbnails_storage_backend", StorageColumns.BackendCheck);
        });
        builder.HasKey(t => new { t.ImageId, t.Size });
        builder.Property(t => t.ImageId).HasConversion(id => id.Value, value => new ImageAssetId(value));
        builder.Property(t => t.Sha256).HasConversion(hash => hash.Value, value => ContentHash.Parse(value))
            .HasMaxLength(ContentHash.Length).IsFixedLength();
        builder.ComplexProperty(t => t.Location, StorageColumns.Map);
    }
}

/// <summary>How a <see cref="StorageLocation"/> is kept: <c>storage_backend</c> (lower-case name) and <c>storage_key</c>.</summary>
internal static class StorageColumns
{
    public static readonly string BackendCheck =
        $"storage_backend IN ({string.Join(", ", Enum.GetNames<StorageBackend>().Select(n => $"'{n.ToLowerInvariant()}'"))})";

    public static void Map(ComplexPropertyBuilder<StorageLocation> location)
    {
        location.Property(l => l.Backend).HasColumnName("storage_backend").HasMaxLength(20)
            .HasConversion(b => b.ToString().ToLowerInvariant(), s => Enum.Parse<StorageBackend>(s, true));
        location.Property(l => l.Key).HasColumnName("storage_key").HasMaxLength(StorageLocation.KeyMaxLength);
    }
}
