using AbParts.Domain.Images;
using AbParts.Domain.Parts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AbParts.Infrastructure.Persistence.Configurations;

internal sealed class PartConfiguration : IEntityTypeConfiguration<Part>
{
    public void Configure(EntityTypeBuilder<Part> builder)
    {
        builder.ToTable("parts");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasConversion(id => id.Value, value => new PartId(value)).ValueGeneratedNever();
        builder.Property(p => p.PartNumber).HasConversion(number => number.Value, value => PartNumber.Create(value))
            .HasMaxLength(PartNumber.MaxLength);
        builder.HasIndex(p => p.PartNumber).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(Part.NameMaxLength);
        builder.Property(p => p.Description).HasMaxLength(Part.DescriptionMaxLength);

        // The old system's gallery: a text[] of file URLs, kept for the import command and rollback.
        builder.Ignore(p => p.ImageUrls);
        builder.Ignore(p => p.ImageCount);
        builder.Property<List<string>>("_imageUrls").HasColumnName("image_urls").HasColumnType("text[]");

        builder.OwnsMany(p => p.Images, images =>
        {
            images.ToTable("part_images", t => t.HasCheckConstraint("ck_part_images_position", "position >= 0"));
            images.WithOwner().HasForeignKey("PartId");
            images.Property<PartId>("PartId").HasConversion(id => id.Value, value => new PartId(value));
            images.Property(i => i.ImageId).HasConversion(id => id.Value, value => new ImageAssetId(value));
            images.HasKey("PartId", nameof(PartImage.ImageId));
            // Positions are unique per part through uq_part_images_part_id_position, UNIQUE (part_id, position)
            // DEFERRABLE INITIALLY DEFERRED, so a reorder may swap positions within its transaction. EF cannot
            // express a deferrable constraint: migration PartGalleryUniquePositions creates it, and
            // SchemaTests lets it be the one difference from the schema EF derives (ADR 0010).
            images.HasOne<ImageAsset>().WithMany().HasForeignKey(i => i.ImageId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Navigation(p => p.Images).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
