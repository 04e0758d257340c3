using AbParts.Domain.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AbParts.Infrastructure.Persistence.Configurations;

/// <summary>
/// Image metadata in <c>images</c>; the bytes in <c>image_contents</c> and <c>image_thumbnails</c>,
/// whose <c>bytea</c> columns the migration sets to <c>STORAGE EXTERNAL</c> (WebP is already compressed).
/// </summary>
internal sealed class ImageAssetConfiguration : IEntityTypeConfiguration<ImageAsset>
{
    public void Configure(EntityTypeBuilder<ImageAsset> builder)
    {
        builder.ToTable("images", t =>
        {
            t.HasCheckConstraint("ck_images_dimensions", "width > 0 AND height > 0");
            t.HasCheckConstraint("ck_images_byte_size", $"byte_size > 0 AND byte_size <= {ImageLimits.MaxBytes}");
        });
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).HasConversion(id => id.Value, value => new ImageAssetId(value)).ValueGeneratedNever();
        builder.Property(i => i.ContentType).HasMaxLength(100);
        builder.Property(i => i.Sha256).HasConversion(hash => hash.Value, value => ContentHash.Parse(value))
            .HasMaxLength(ContentHash.Length).IsFixedLength();

        builder.HasOne(i => i.Content).WithOne().HasForeignKey<ImageContent>(c => c.ImageId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(i => i.Thumbnails).WithOne().HasForeignKey(t => t.ImageId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(i => i.Thumbnails).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ImageContentConfiguration : IEntityTypeConfiguration<ImageContent>
{
    public void Configure(EntityTypeBuilder<ImageContent> builder)
    {
        builder.ToTable("image_contents");
        builder.HasKey(c => c.ImageId);
        builder.Property(c => c.ImageId).HasConversion(id => id.Value, value => new ImageAssetId(value)).ValueGeneratedNever();
        builder.Property(c => c.Data).HasColumnType("bytea");
    }
}

internal sealed class ImageThumbnailConfiguration : IEntityTypeConfiguration<ImageThumbnail>
{
    public void Configure(EntityTypeBuilder<ImageThumbnail> builder)
    {
        builder.ToTable("image_thumbnails", t => t.HasCheckConstraint("ck_image_thumbnails_size",
            $"size IN ({string.Join(", ", ImageLimits.ThumbnailSizes)}) AND width > 0 AND height > 0 AND width <= size AND height <= size"));
        builder.HasKey(t => new { t.ImageId, t.Size });
        builder.Property(t => t.ImageId).HasConversion(id => id.Value, value => new ImageAssetId(value));
        builder.Property(t => t.Sha256).HasConversion(hash => hash.Value, value => ContentHash.Parse(value))
            .HasMaxLength(ContentHash.Length).IsFixedLength();
        builder.Property(t => t.Data).HasColumnType("bytea");
    }
}
