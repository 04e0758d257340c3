using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Specifications;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Videos;
using MediatR;
using Microsoft.Extensions.Options;

namespace AbParts.Application.Storage;

/// <summary>
/// Removes leftovers older than <see cref="SweepOptions.MinAge"/>: spooled uploads, video-store objects
/// no video row references (a crash between storing and committing), and PostgreSQL-stored image bytes
/// no image row references.
/// </summary>
public sealed record SweepOrphansCommand : IRequest<SweepReport>;

public sealed record SweepReport(int SpooledFiles, int VideoObjects, int ImageObjects);

public sealed class SweepOrphansHandler(IUploadSpool spool, IMediaStores stores, StoragePolicy policy,
    IRepository<VideoAsset> videos, IRepository<ImageAsset> images, IOptions<SweepOptions> options, IClock clock)
    : IRequestHandler<SweepOrphansCommand, SweepReport>
{
    public async Task<SweepReport> Handle(SweepOrphansCommand request, CancellationToken cancellationToken)
    {
        var before = clock.UtcNow - options.Value.MinAge;
        var spooled = spool.Sweep(before);

        var videoKeys = (await videos.ListAsync(new AllVideosSpec(), cancellationToken))
            .Select(v => v.Location.Key).ToHashSet(StringComparer.Ordinal);
        var videoObjects = await SweepAsync(stores.Resolve(policy.Choose(MediaKind.Video, 0)), "videos/", videoKeys, before,
            cancellationToken);

        var imageKeys = (await images.ListAsync(new AllImagesSpec(), cancellationToken))
            .SelectMany(i => i.StoredObjects).Where(l => l.Backend == StorageBackend.Postgres).Select(l => l.Key)
            .ToHashSet(StringComparer.Ordinal);
        var imageObjects = await SweepAsync(stores.Resolve(StorageBackend.Postgres), "images/", imageKeys, before,
            cancellationToken);

        return new SweepReport(spooled, videoObjects, imageObjects);
    }

    private static async Task<int> SweepAsync(IMediaStore store, string prefix, HashSet<string> referenced,
        DateTimeOffset before, CancellationToken cancellationToken)
    {
        var orphans = new List<string>();
        await foreach (var media in store.ListAsync(prefix, cancellationToken))
        {
            if (!referenced.Contains(media.Key) && media.CreatedAt < before)
            {
                orphans.Add(media.Key);
            }
        }

        foreach (var key in orphans)
        {
            await store.DeleteAsync(key, cancellationToken);
        }

        return orphans.Count;
    }

    private sealed class AllVideosSpec : Specification<VideoAsset>
    {
        public AllVideosSpec() => ReadOnly();
    }

    private sealed class AllImagesSpec : Specification<ImageAsset>
    {
        public AllImagesSpec()
        {
            Include(i => i.Thumbnails);
            ReadOnly();
        }
    }
}
