using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AbParts.Infrastructure.Persistence;

/// <summary>Ready means the database answers and its schema is current.</summary>
internal sealed class DatabaseHealthCheck(AbPartsDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = (await db.PendingMigrationsAsync(cancellationToken)).Count;
            return pending == 0
                ? HealthCheckResult.Healthy("PostgreSQL answers and the schema is current.")
                : HealthCheckResult.Unhealthy($"{pending} migration(s) pending: run './build/abparts db migrate'.");
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer.", exception);
        }
    }
}
