using AbParts.Domain.Chat;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AbParts.Infrastructure.Persistence.Configurations;

/// <summary>Chat files in <c>chat_files</c>: the original's bytes are in a media store, the thumbnails in <c>images</c>.</summary>
internal sealed class ChatFileConfiguration : IEntityTypeConfiguration<ChatFile>
{
    public void Configure(EntityTypeBuilder<ChatFile> builder)
    {
        builder.ToTable("chat_files", t =>
        {
            t.HasCheckConstraint("ck_chat_files_byte_size", "byte_size > 0");
            t.HasCheckConstraint("ck_chat_files_thumbnail", "is_image = (thumbnail_image_id IS NOT NULL)");
            t.HasCheckConstraint("ck_chat_files_storage_backend", StorageColumns.BackendCheck);
        });
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).HasConversion(id => id.Value, value => new ChatFileId(value)).ValueGeneratedNever();
        builder.Property(f => f.OwnerId).HasConversion(id => id.Value, value => new UserId(value));
        builder.HasOne<User>().WithMany().HasForeignKey(f => f.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(f => f.Name).HasMaxLength(ChatFile.NameMaxLength);
        builder.Property(f => f.ContentType).HasMaxLength(100);
        builder.Property(f => f.Sha256).HasConversion(hash => hash.Value, value => ContentHash.Parse(value))
            .HasMaxLength(ContentHash.Length).IsFixedLength();
        builder.ComplexProperty(f => f.Location, StorageColumns.Map);
        builder.Property(f => f.ThumbnailImageId).HasConversion(id => id!.Value.Value, value => new ImageAssetId(value));
        builder.HasOne<ImageAsset>().WithMany().HasForeignKey(f => f.ThumbnailImageId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(f => new { f.OwnerId, f.CreatedAt });
    }
}

internal sealed class ChatSessionConfiguration : IEntityTypeConfiguration<ChatSession>
{
    public void Configure(EntityTypeBuilder<ChatSession> builder)
    {
        builder.ToTable("chat_sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasConversion(id => id.Value, value => new ChatSessionId(value)).ValueGeneratedNever();
        builder.Property(s => s.OwnerId).HasConversion(id => id.Value, value => new UserId(value));
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(s => s.Title).HasMaxLength(ChatSession.TitleMaxLength);
        builder.HasIndex(s => s.OwnerId);
    }
}

/// <summary>Messages name their files in a <c>uuid[]</c>, in order; a deleted file simply drops out of the history.</summary>
internal sealed class ChatMessageConfiguration : IEntityTypeConfiguration<ChatMessage>
{
    public void Configure(EntityTypeBuilder<ChatMessage> builder)
    {
        builder.ToTable("chat_messages", t => t.HasCheckConstraint("ck_chat_messages_role",
            $"role IN ({string.Join(", ", ChatRoleNames.Names.Select(r => $"'{r}'"))})"));
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasConversion(id => id.Value, value => new ChatMessageId(value)).ValueGeneratedNever();
        builder.Property(m => m.SessionId).HasConversion(id => id.Value, value => new ChatSessionId(value));
        builder.HasOne<ChatSession>().WithMany().HasForeignKey(m => m.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.Role).HasConversion(role => role.ToName(), value => ChatRoleNames.Parse(value)).HasMaxLength(20);
        builder.Property(m => m.Content).HasColumnType("text");
        builder.Ignore(m => m.FileIds);
        builder.PrimitiveCollection<List<Guid>>("_fileIds").HasColumnName("file_ids").IsRequired();
        builder.HasIndex(m => new { m.SessionId, m.CreatedAt });
    }
}
