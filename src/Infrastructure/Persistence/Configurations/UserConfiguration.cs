using AbParts.Domain.Images;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AbParts.Infrastructure.Persistence.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users", t => t.HasCheckConstraint("ck_users_role",
            $"role IN ({string.Join(", ", UserRoleNames.All.Select(r => $"'{r}'"))})"));
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).HasConversion(id => id.Value, value => new UserId(value)).ValueGeneratedNever();
        builder.Property(u => u.Username).HasConversion(name => name.Value, value => Username.Create(value))
            .HasMaxLength(Username.MaxLength);
        builder.HasIndex(u => u.Username).IsUnique();
        builder.Property(u => u.PasswordHash).HasColumnType("text");
        builder.Property(u => u.Role).HasConversion(role => role.ToName(), value => UserRoleNames.Parse(value))
            .HasMaxLength(20);
        builder.Property(u => u.OrganizationId).HasConversion(id => id.Value, value => new OrganizationId(value));
        builder.HasOne<Organization>().WithMany().HasForeignKey(u => u.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        // Photo changes queue on the user's row lock (ADR 0016), so two uploads replacing the same photo both
        // succeed and the last commit stands. The concurrency token stays as a backstop: a change that
        // bypassed the lock gets a 409 instead of leaving an image owned by nobody.
        builder.Property(u => u.ProfilePhotoImageId).HasConversion(id => id!.Value.Value, value => new ImageAssetId(value))
            .IsConcurrencyToken();
        builder.HasOne<ImageAsset>().WithMany().HasForeignKey(u => u.ProfilePhotoImageId).OnDelete(DeleteBehavior.SetNull);
        builder.Property(u => u.ProfilePhotoUrl).HasColumnType("text");
        builder.Property(u => u.SecurityStamp).HasMaxLength(User.SecurityStampLength);
        builder.Ignore(u => u.IsSuperAdmin);
    }
}
