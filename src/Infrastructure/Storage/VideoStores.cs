using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;
using AbParts.Infrastructure.Storage.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.Storage;

/// <summary>
/// The video stores, from configuration: the one <c>Storage:Videos:Backend</c> names, which the service writes to,
/// and the other one when its section is configured too, so that rows pointing at it are still read while a
/// deployment moves between them (<c>media sync --switch</c>, ADR 0021). Each store's options are bound and
/// validated here and nowhere else.
/// </summary>
internal static class VideoStores
{
    /// <summary>
    /// Whether the configuration describes <paramref name="backend"/>'s store: the local store always (its folder
    /// defaults to <c>$ABPARTS_DATA_DIR/media</c>), S3 when <c>Storage:Videos:S3:Bucket</c> is set.
    /// </summary>
    public static bool IsConfigured(IConfiguration configuration, StorageBackend backend) => backend switch
    {
        StorageBackend.Local => true,
        StorageBackend.S3 => !string.IsNullOrWhiteSpace(configuration[$"{S3StorageOptions.SectionName}:{nameof(S3StorageOptions.Bucket)}"]),
        _ => false,
    };

    /// <summary>Registers the configured backend's store, and the other video store when it is configured too.</summary>
    public static IServiceCollection AddVideoStores(this IServiceCollection services, IConfiguration configuration)
    {
        var backend = configuration.GetSection(VideoStorageOptions.SectionName).Get<VideoStorageOptions>()?.Backend
                      ?? StorageBackend.Local;
        if (backend is not (StorageBackend.Local or StorageBackend.S3))
        {
            throw new InvalidOperationException($"{VideoStorageOptions.SectionName}:Backend must be Local or S3, not {backend}.");
        }

        services.AddVideoStore(backend, configuration);
        var other = backend == StorageBackend.Local ? StorageBackend.S3 : StorageBackend.Local;
        if (IsConfigured(configuration, other))
        {
            services.AddVideoStore(other, configuration);
        }

        services.AddScoped<IVideoStores, ConfiguredVideoStores>();
        return services;
    }

    /// <summary>One video store as an <see cref="IMediaStore"/> singleton, its options bound from its section and validated.</summary>
    private static void AddVideoStore(this IServiceCollection services, StorageBackend backend, IConfiguration configuration)
    {
        if (backend == StorageBackend.S3)
        {
            services.AddS3MediaStore(configuration);
            return;
        }

        services.AddOptions<LocalStorageOptions>()
            .Bind(configuration.GetSection(LocalStorageOptions.SectionName))
            .PostConfigure(o => o.Root = string.IsNullOrWhiteSpace(o.Root)
                ? Path.Combine(DataDirectory.Resolve(configuration), "media")
                : o.Root);
        services.AddSingleton<IMediaStore, LocalFileMediaStore>();
    }

    /// <summary>The registered video stores by backend (the PostgreSQL store is not one).</summary>
    private sealed class ConfiguredVideoStores(IEnumerable<IMediaStore> stores) : IVideoStores
    {
        public IMediaStore? Find(StorageBackend backend) => backend is StorageBackend.Local or StorageBackend.S3
            ? stores.FirstOrDefault(s => s.Backend == backend)
            : null;
    }
}
