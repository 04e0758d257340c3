using AbParts.Domain.Images;
using AbParts.Domain.Parts;
using AbParts.Domain.Videos;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AbParts.Infrastructure.Persistence.Configurations;

/// <summary>Video metadata in <c>videos</c>; the bytes are in the video store, the poster in <c>images</c>.</summary>
internal sealed class VideoAssetConfiguration : IEntityTypeConfiguration<VideoAsset>
{
    public void Configure(EntityTypeBuilder<VideoAsset> builder)
    {
        builder.ToTable("videos", t =>
        {
            t.HasCheckConstraint("ck_videos_kind",
                "(category IS NOT NULL AND part_id IS NULL AND video_type IS NULL) OR " +
                "(category IS NULL AND part_id IS NOT NULL AND video_type IS NOT NULL)");
            t.HasCheckConstraint("ck_videos_facts", "byte_size > 0 AND duration_seconds > 0 AND width > 0 AND height > 0");
            t.HasCheckConstraint("ck_videos_storage_backend", StorageColumns.BackendCheck);
        });
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).HasConversion(id => id.Value, value => new VideoAssetId(value)).ValueGeneratedNever();
        builder.Property(v => v.Title).HasMaxLength(VideoAsset.TitleMaxLength);
        builder.Property(v => v.Description).HasMaxLength(VideoAsset.DescriptionMaxLength);
        builder.Property(v => v.Category).HasMaxLength(30)
            .HasConversion(c => c!.Value.ToName(), s => VideoNames.ParseCategory(s));
        builder.Property(v => v.VideoType).HasMaxLength(30)
            .HasConversion(t => t!.Value.ToName(), s => VideoNames.ParseVideoType(s));
        builder.Property(v => v.PartId).HasConversion(id => id!.Value.Value, value => new PartId(value));
        builder.HasOne<Part>().WithMany().HasForeignKey(v => v.PartId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(v => v.ContentType).HasMaxLength(100);
        builder.Property(v => v.Sha256).HasConversion(hash => hash.Value, value => ContentHash.Parse(value))
            .HasMaxLength(ContentHash.Length).IsFixedLength();
        builder.ComplexProperty(v => v.Location, StorageColumns.Map);
        builder.Property(v => v.PosterImageId).HasConversion(id => id!.Value.Value, value => new ImageAssetId(value));
        builder.HasOne<ImageAsset>().WithMany().HasForeignKey(v => v.PosterImageId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(v => v.Category);
        builder.Ignore(v => v.IsSupportVideo);
    }
}
