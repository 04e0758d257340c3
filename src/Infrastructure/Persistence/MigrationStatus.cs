using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AbParts.Infrastructure.Persistence;

internal static class MigrationStatus
{
    public const string HistoryTable = "__ef_migrations_history";

    /// <summary>
    /// The migrations not yet applied. Asks the catalogue for the history table first, so a fresh
    /// database does not produce a logged "relation does not exist" failure.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PendingMigrationsAsync(this AbPartsDbContext db,
        CancellationToken cancellationToken)
    {
        // Npgsql's IHistoryRepository.ExistsAsync probes with a SELECT that logs an error when the
        // table is missing; the catalogue answers the same question quietly.
        var exists = await db.Database
            .SqlQuery<bool>($"SELECT to_regclass({HistoryTable}) IS NOT NULL AS \"Value\"")
            .SingleAsync(cancellationToken);
        var history = db.GetService<IHistoryRepository>();
        var applied = exists
            ? (await history.GetAppliedMigrationsAsync(cancellationToken)).Select(m => m.MigrationId).ToHashSet()
            : [];
        return db.Database.GetMigrations().Where(m => !applied.Contains(m)).ToList();
    }
}
