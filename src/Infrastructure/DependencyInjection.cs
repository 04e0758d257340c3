using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure;
using AbParts.Infrastructure.Backup;
using AbParts.Infrastructure.Identity;
using AbParts.Infrastructure.Persistence;
using AbParts.Infrastructure.Persistence.Repositories;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.Storage;
using AbParts.Infrastructure.Storage.S3;
using AbParts.Infrastructure.Video;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

public static class InfrastructureDependencyInjection
{
    public const string ConnectionStringName = "Default";

    /// <summary>Registers PostgreSQL (EF Core), the repositories, the media stores, the image workers, ffprobe, the password hasher, the clock and the database health check.</summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set. Start the service with ./build/run.sh, " +
                $"which provides a private PostgreSQL, or set ConnectionStrings__{ConnectionStringName}.");
        }

        services.AddDbContext<AbPartsDbContext>(options => AbPartsDbContext.UsePostgres(options, connectionString));
        services.AddScoped<IUnitOfWork>(provider => provider.GetRequiredService<AbPartsDbContext>());
        services.AddScoped(typeof(IRepository<>), typeof(EfRepository<>));
        services.AddScoped<DatabaseMigrator>();
        services.AddScoped<IMediaStore, PostgresMediaStore>();
        services.AddScoped<IMediaStores, MediaStores>();
        services.AddImaging(configuration);
        var images = configuration.GetSection(ImageOptions.SectionName);
        services.AddOptions<ImageOptions>().Bind(images)
            // Binding appends configured list items to the defaults; a configured list must replace them.
            .PostConfigure(o =>
            {
                o.QualityLadder = images.GetSection(nameof(ImageOptions.QualityLadder)).Get<List<int>>() ?? o.QualityLadder;
                o.ThumbnailSizes = images.GetSection(nameof(ImageOptions.ThumbnailSizes)).Get<List<int>>() ?? o.ThumbnailSizes;
            })
            .Validate(o => o.IsWithinBuiltInLimits(), ImageOptions.LimitsRule)
            .ValidateOnStart();
        services.AddOptions<VideoStorageOptions>().Bind(configuration.GetSection(VideoStorageOptions.SectionName));
        services.AddVideoStores(configuration);
        services.AddOptions<VideoOptions>().Bind(configuration.GetSection(VideoOptions.SectionName))
            .Validate(o => o.MaxBytes > 0, $"{VideoOptions.SectionName}:MaxBytes must be positive.").ValidateOnStart();
        services.AddOptions<AbParts.Application.Files.ChatFileOptions>()
            .Bind(configuration.GetSection(AbParts.Application.Files.ChatFileOptions.SectionName))
            .Validate(o => o.MaxFileBytes > 0 && o.MaxRequestBytes >= o.MaxFileBytes && o.MaxFilesPerRequest is > 0 and <= 100,
                $"{AbParts.Application.Files.ChatFileOptions.SectionName}: MaxFileBytes must be positive, MaxRequestBytes at least " +
                "MaxFileBytes, and MaxFilesPerRequest between 1 and 100.")
            .ValidateOnStart();
        services.AddSingleton<IUploadSpool, FileUploadSpool>();
        services.AddSingleton<ILegacyMediaRoots, LegacyMediaRoots>();
        services.AddScoped<ILegacyImageLedger, LegacyImageLedger>();
        services.AddOptions<SweepOptions>().Bind(configuration.GetSection(SweepOptions.SectionName));
        services.AddFfmpegVideoProbe();
        services.AddBackups(configuration, connectionString);
        var hashing = configuration.GetValue(PasswordHashingLimit.MaxConcurrentKey, Environment.ProcessorCount);
        var hashingQueue = configuration.GetValue(PasswordHashingLimit.QueueLengthKey, PasswordHashingLimit.DefaultQueueLength);
        services.AddSingleton(_ => new PasswordHashingLimit(hashing, hashingQueue));
        services.AddSingleton<IPasswordHasher, AspNetPasswordHasher>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IClock, SystemClock>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }
}
