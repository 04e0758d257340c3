using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AbParts.Infrastructure.Storage;

/// <summary>
/// A row of <c>media_blobs</c>, the PostgreSQL media store's table. Mapped so that the schema is part of
/// the model (and of <c>SchemaTests</c>); read and written with SQL by <see cref="PostgresMediaStore"/>.
/// </summary>
internal sealed class MediaBlob
{
    public string Key { get; set; } = string.Empty;

    public string ContentType { get; set; } = string.Empty;

    public long ByteSize { get; set; }

    public string Sha256 { get; set; } = string.Empty;

#pragma warning disable CA1819 // a row's bytes; never exposed beyond this adapter
    public byte[] Data { get; set; } = [];
#pragma warning restore CA1819

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class MediaBlobConfiguration : IEntityTypeConfiguration<MediaBlob>
{
    public void Configure(EntityTypeBuilder<MediaBlob> builder)
    {
        builder.ToTable("media_blobs", t => t.HasCheckConstraint("ck_media_blobs_byte_size", "byte_size = length(data)"));
        builder.HasKey(b => b.Key);
        builder.Property(b => b.Key).HasMaxLength(Domain.Media.StorageLocation.KeyMaxLength);
        builder.Property(b => b.ContentType).HasMaxLength(100);
        builder.Property(b => b.Sha256).HasMaxLength(64).IsFixedLength();
        builder.Property(b => b.Data).HasColumnType("bytea");
    }
}
