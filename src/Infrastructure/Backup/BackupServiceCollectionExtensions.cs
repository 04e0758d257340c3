using AbParts.Application.Common.Abstractions;
using AbParts.Application.Backups;
using AbParts.Infrastructure.Imaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AbParts.Infrastructure.Backup;

internal static class BackupServiceCollectionExtensions
{
    /// <summary>
    /// Registers the backup adapters: the backup folders on the file system, pg_dump/pg_restore for the configured
    /// database (<c>Backup:PostgresBin</c> says where they are), the stored-image check, and silent progress (the
    /// command line registers its own).
    /// </summary>
    internal static IServiceCollection AddBackups(this IServiceCollection services, IConfiguration configuration,
        string connectionString)
    {
        services.AddOptions<BackupOptions>().Bind(configuration.GetSection(BackupOptions.SectionName));
        services.AddSingleton<IBackupFolders, FileSystemBackupFolders>();
        services.AddSingleton<IDatabaseDump>(provider => new PostgresDatabaseDump(connectionString,
            new PostgresTools(provider.GetRequiredService<IOptions<BackupOptions>>().Value),
            provider.GetRequiredService<ILogger<PostgresDatabaseDump>>()));
        services.AddSingleton<IStoredImageCheck, VipsStoredImageCheck>();
        services.TryAddSingleton(WorkProgress.None);
        return services;
    }
}
