using System.CommandLine;
using AbParts.Infrastructure.Persistence;

namespace AbParts.WebApi.Cli;

/// <summary><c>db migrate</c>.</summary>
internal static class DatabaseCommands
{
    public static Command Create()
    {
        var migrate = new Command("migrate", "Apply pending migrations. Safe to repeat and to run from several processes at once.");
        migrate.SetAction((_, cancellationToken) => CommandLine.RunWithServicesAsync(async (services, ct) =>
        {
            var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
            Console.WriteLine(applied.Count == 0
                ? "The database schema is current."
                : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}.");
            return ExitCodes.Success;
        }, cancellationToken));
        return new Command("db", "Database maintenance.") { migrate };
    }
}
