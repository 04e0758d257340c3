using AbParts.Domain.Images;
using AbParts.Domain.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AbParts.Infrastructure.Persistence.Configurations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.ToTable("organizations");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasConversion(id => id.Value, value => new OrganizationId(value)).ValueGeneratedNever();
        builder.Property(o => o.Name).HasMaxLength(Organization.NameMaxLength);
        builder.HasIndex(o => o.Name).IsUnique();
        // Logo changes queue on the organization's row lock (ADR 0016); the concurrency token stays as a
        // backstop, so a change that bypassed the lock gets a 409 instead of orphaning an image.
        builder.Property(o => o.LogoImageId).HasConversion(id => id!.Value.Value, value => new ImageAssetId(value))
            .IsConcurrencyToken();
        builder.HasOne<ImageAsset>().WithMany().HasForeignKey(o => o.LogoImageId).OnDelete(DeleteBehavior.SetNull);
        builder.Property(o => o.LogoUrl).HasColumnType("text");
    }
}
