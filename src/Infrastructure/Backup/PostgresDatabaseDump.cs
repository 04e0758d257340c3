using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using AbParts.Application.Backups;
using AbParts.Domain.Media;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AbParts.Infrastructure.Backup;

/// <summary>
/// The configured database (<c>ConnectionStrings:Default</c>) dumped by <c>pg_dump --format=custom --compress=1</c> and restored by
/// <c>pg_restore --no-owner --no-acl</c> (so a dump taken as one role restores as another) in one transaction. The
/// database and the temporary ones are created and dropped through the <c>postgres</c> maintenance database, as
/// <see cref="Persistence.DatabaseMigrator"/> does.
/// </summary>
internal sealed partial class PostgresDatabaseDump(string connectionString, PostgresTools tools, ILogger<PostgresDatabaseDump> logger)
    : IDatabaseDump
{
    private readonly NpgsqlConnectionStringBuilder _target = new(connectionString) { Pooling = false };

    public string DatabaseName => _target.Database is { Length: > 0 } name
        ? name
        : throw new InvalidOperationException("The connection string names no database.");

    public Task DumpAsync(string file, CancellationToken cancellationToken) =>
        tools.RunAsync("pg_dump",
            // Level 1: stored images are WebP, which zlib cannot shrink; the dump's hex text of them it can, as well at
            // level 1 as at the default, in a third of the time (ADR 0020).
            ["--format=custom", "--compress=1", "--no-password", $"--file={file}", $"--dbname={PostgresTools.DatabaseArgument(DatabaseName)}"],
            _target, cancellationToken);

    public async Task<IReadOnlyList<string>> EnsureDatabaseAndListTablesAsync(CancellationToken cancellationToken)
    {
        await CreateIfMissingAsync(DatabaseName, cancellationToken);
        await using var connection = new NpgsqlConnection(_target.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            ORDER BY c.relname
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    public Task RestoreAsync(string file, CancellationToken cancellationToken) => RestoreIntoAsync(DatabaseName, file, cancellationToken);

    public async Task<IRestoredDatabase> RestoreTemporaryAsync(string file, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"abparts_verify_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid():N}");
        await ExecuteOnMaintenanceAsync($"CREATE DATABASE {Quote(name)}", cancellationToken);
        LogCreated(logger, name);
        var restored = new RestoredDatabase(name, new NpgsqlConnectionStringBuilder(_target.ConnectionString) { Database = name },
            this);
        try
        {
            await RestoreIntoAsync(name, file, cancellationToken);
            return restored;
        }
        catch
        {
            await restored.DisposeAsync();
            throw;
        }
    }

    private Task RestoreIntoAsync(string database, string file, CancellationToken cancellationToken) =>
        tools.RunAsync("pg_restore",
            ["--no-owner", "--no-acl", "--single-transaction", "--exit-on-error", "--no-password",
                $"--dbname={PostgresTools.DatabaseArgument(database)}", file],
            _target, cancellationToken);

    private async Task CreateIfMissingAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenMaintenanceAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Quote(name)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogCreated(logger, name);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it between our check and our CREATE: that is what we wanted.
        }
    }

    private async Task DropAsync(string name)
    {
        await ExecuteOnMaintenanceAsync($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", CancellationToken.None);
        LogDropped(logger, name);
    }

    private async Task ExecuteOnMaintenanceAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenMaintenanceAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<NpgsqlConnection> OpenMaintenanceAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_target.ConnectionString) { Database = "postgres" }
            .ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static string Quote(string identifier) => new NpgsqlCommandBuilder().QuoteIdentifier(identifier);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created database {Database}")]
    private static partial void LogCreated(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped database {Database}")]
    private static partial void LogDropped(ILogger logger, string database);

    /// <summary>A temporary database holding a restored dump; dropped on dispose.</summary>
    private sealed class RestoredDatabase(string name, NpgsqlConnectionStringBuilder connection, PostgresDatabaseDump owner)
        : IRestoredDatabase
    {
        /// <summary>The tables whose rows point at stored bytes (<c>storage_backend</c>, <c>storage_key</c>).</summary>
        private static readonly string[] ReferencingTables = ["images", "image_thumbnails", "videos", "chat_files"];

        private bool _dropped;

        public string Name { get; } = name;

        public async Task<int> CountBlobsAsync(CancellationToken cancellationToken)
        {
            await using var db = await OpenAsync(cancellationToken);
            if (!await ExistsAsync(db, "media_blobs", cancellationToken))
            {
                return 0;
            }

            await using var command = new NpgsqlCommand("SELECT count(*) FROM media_blobs", db);
            return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        public async IAsyncEnumerable<StoredBlob> BlobsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await using var db = await OpenAsync(cancellationToken);
            if (!await ExistsAsync(db, "media_blobs", cancellationToken))
            {
                yield break;
            }

            await using var command = new NpgsqlCommand("SELECT key, content_type, sha256, data FROM media_blobs ORDER BY key", db);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetString(0);
                var contentType = reader.GetString(1);
                var sha256 = reader.GetString(2).Trim();
                var data = await reader.GetFieldValueAsync<byte[]>(3, cancellationToken);
                yield return new StoredBlob(key, contentType, sha256, data);
            }
        }

        public async Task<IReadOnlyList<StoredObjectReference>> ReferencesAsync(CancellationToken cancellationToken)
        {
            await using var db = await OpenAsync(cancellationToken);
            var references = new List<StoredObjectReference>();
            foreach (var table in ReferencingTables)
            {
                if (!await ExistsAsync(db, table, cancellationToken))
                {
                    continue;
                }

                await using var command = new NpgsqlCommand(
                    $"SELECT storage_backend, storage_key FROM {Quote(table)} ORDER BY storage_key", db);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    references.Add(new StoredObjectReference(table, Enum.Parse<StorageBackend>(reader.GetString(0), ignoreCase: true),
                        reader.GetString(1)));
                }
            }

            return references;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_dropped)
            {
                _dropped = true;
                await owner.DropAsync(Name);
            }
        }

        private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
        {
            var db = new NpgsqlConnection(connection.ConnectionString);
            await db.OpenAsync(cancellationToken);
            return db;
        }

        private static async Task<bool> ExistsAsync(NpgsqlConnection db, string table, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", db);
            command.Parameters.AddWithValue("name", $"public.{table}");
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
    }
}
