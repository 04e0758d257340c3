using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AbParts.Infrastructure.Persistence;

/// <summary>
/// Applies the migrations. Safe to run twice (applied migrations are skipped) and from
/// several processes at once: the database is created if missing (a concurrent creator is tolerated)
/// and the migration itself runs under a PostgreSQL advisory lock.
/// </summary>
public sealed partial class DatabaseMigrator(AbPartsDbContext db, ILogger<DatabaseMigrator> logger)
{
    /// <summary>Arbitrary, fixed: "AbParts" in ASCII.</summary>
    private const long AdvisoryLockKey = 0x4162_5061_7274_73;

    /// <returns>The migrations applied by this call (empty when the schema was current).</returns>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await EnsureDatabaseExistsAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await ExecuteAsync("SELECT pg_advisory_lock(@key)", cancellationToken);
            try
            {
                var pending = await db.PendingMigrationsAsync(cancellationToken);
                if (pending.Count > 0)
                {
                    // Created up front: EF's own first read of it would log a failure on a new database.
                    await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
                    await db.Database.MigrateAsync(cancellationToken);
                }

                LogMigrated(logger, pending.Count, db.Database.GetDbConnection().Database);
                return pending;
            }
            finally
            {
                await ExecuteAsync("SELECT pg_advisory_unlock(@key)", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection());
        command.Parameters.AddWithValue("key", AdvisoryLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task EnsureDatabaseExistsAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        var name = target.Database ?? throw new InvalidOperationException("The connection string names no database.");
        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        try
        {
            var quoted = new NpgsqlCommandBuilder().QuoteIdentifier(name);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogCreated(logger, name);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it between our check and our CREATE: that is what we wanted.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} migration(s) to database {Database}")]
    private static partial void LogMigrated(ILogger logger, int count, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created database {Database}")]
    private static partial void LogCreated(ILogger logger, string database);
}
