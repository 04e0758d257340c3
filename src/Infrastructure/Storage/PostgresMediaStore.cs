using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;
using AbParts.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace AbParts.Infrastructure.Storage;

/// <summary>
/// Media kept in PostgreSQL (<c>media_blobs</c>, <c>bytea STORAGE EXTERNAL</c>), so a database backup
/// holds it. Works on the unit of work's connection and transaction: bytes written by a use case commit
/// or roll back with its rows. A range is read with <c>substring</c>, which on uncompressed external
/// storage fetches only the chunks it needs.
/// </summary>
internal sealed class PostgresMediaStore(AbPartsDbContext db, TimeProvider time) : IMediaStore
{
    /// <summary>What this store accepts in one object; the storage policy sends it images of at most 500 KB.</summary>
    public const int MaxObjectBytes = 16 * 1024 * 1024;

    public StorageBackend Backend => StorageBackend.Postgres;

    public async Task<StoredMedia> SaveAsync(string key, Stream content, string contentType,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        EnsureKey(key);
        var bytes = await ReadBoundedAsync(content, cancellationToken);
        var media = new StoredMedia(key, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), contentType,
            time.GetUtcNow());
        await ExecuteAsync("""
            INSERT INTO media_blobs (key, content_type, byte_size, sha256, data, created_at)
            VALUES (@key, @type, @size, @sha, @data, @created)
            """, command =>
        {
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("type", contentType);
            command.Parameters.AddWithValue("size", media.Size);
            command.Parameters.AddWithValue("sha", media.Sha256);
            command.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Bytea) { Value = bytes });
            command.Parameters.AddWithValue("created", media.CreatedAt);
            return command.ExecuteNonQueryAsync(cancellationToken);
        });
        return media;
    }

    public Task<MediaContent?> OpenAsync(string key, ByteRange? range, CancellationToken cancellationToken) =>
        ExecuteAsync("""
            SELECT content_type, byte_size, sha256, created_at,
                   CASE WHEN @whole THEN data ELSE substring(data FROM @from FOR @count) END
            FROM media_blobs WHERE key = @key
            """, async command =>
        {
            var offset = range?.Offset ?? 0;
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("whole", range is null);
            // substring counts from 1 and takes int: objects here are at most MaxObjectBytes.
            command.Parameters.AddWithValue("from", (int)Math.Min(offset + 1, int.MaxValue));
            command.Parameters.AddWithValue("count", (int)Math.Min(range?.Length ?? int.MaxValue, int.MaxValue));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var media = ReadMedia(reader, key);
            var bytes = (byte[])reader.GetValue(4);
            return new MediaContent(new MemoryStream(bytes, writable: false), media, Math.Min(offset, media.Size), bytes.Length);
        });

    public Task<StoredMedia?> StatAsync(string key, CancellationToken cancellationToken) =>
        ExecuteAsync("SELECT content_type, byte_size, sha256, created_at FROM media_blobs WHERE key = @key",
            async command =>
            {
                command.Parameters.AddWithValue("key", key);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                return await reader.ReadAsync(cancellationToken) ? ReadMedia(reader, key) : null;
            });

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM media_blobs WHERE key = @key", async command =>
        {
            command.Parameters.AddWithValue("key", key);
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        });

    public async IAsyncEnumerable<StoredMedia> ListAsync(string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = await ExecuteAsync("""
            SELECT content_type, byte_size, sha256, created_at, key FROM media_blobs
            WHERE starts_with(key, @prefix) ORDER BY key
            """, async command =>
        {
            command.Parameters.AddWithValue("prefix", prefix);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var found = new List<StoredMedia>();
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(ReadMedia(reader, reader.GetString(4)));
            }

            return found;
        });
        foreach (var media in page)
        {
            yield return media;
        }
    }

    private static StoredMedia ReadMedia(DbDataReader reader, string key) =>
        new(key, reader.GetInt64(1), reader.GetString(2), reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(3));

    private static void EnsureKey(string key)
    {
        if (!StorageLocation.IsValidKey(key))
        {
            throw new ArgumentException($"'{key}' is not a valid storage key.", nameof(key));
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxObjectBytes)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL media store keeps objects of at most {MaxObjectBytes} bytes; larger ones belong in the video store.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Runs one command on the unit of work's connection, inside its transaction when one is open. Its
    /// failures leave as the application's exceptions (<see cref="DatabaseErrors"/>).
    /// </summary>
    private async Task<T> ExecuteAsync<T>(string sql, Func<NpgsqlCommand, Task<T>> run)
    {
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            try
            {
                await using var command = new NpgsqlCommand(sql, connection)
                {
                    Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
                };
                return await run(command);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        catch (Exception exception) when (DatabaseErrors.Translate(exception) is { } translated)
        {
            throw translated;
        }
    }
}

/// <summary>The adapters registered for this instance, by backend.</summary>
internal sealed class MediaStores(IEnumerable<IMediaStore> stores) : IMediaStores
{
    private readonly Dictionary<StorageBackend, IMediaStore> _stores = stores.ToDictionary(s => s.Backend);

    public IMediaStore Resolve(StorageBackend backend) => _stores.TryGetValue(backend, out var store)
        ? store
        : throw new InvalidOperationException($"No media store is configured for {backend}.");
}
