using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Videos;
using Ardalis.Specification;
using MediatR;
using Microsoft.Extensions.Options;

namespace AbParts.Application.Storage;

/// <summary>
/// Removes leftovers older than <see cref="SweepOptions.MinAge"/>: spooled uploads, video-store objects
/// no video or chat-file row references (a crash between storing and committing), and PostgreSQL-stored
/// image and chat-file bytes no row references.
/// </summary>
public sealed record SweepOrphansCommand : IRequest<SweepReport>;

public sealed record SweepReport(int SpooledFiles, int VideoObjects, int ImageObjects, int FileObjects);

public sealed class SweepOrphansHandler(IUploadSpool spool, IMediaStores stores, StoragePolicy policy,
    IRepository<VideoAsset> videos, IRepository<ImageAsset> images, IRepository<ChatFile> files, IOptions<SweepOptions> options, IClock clock)
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

        var fileKeys = (await files.ListAsync(new AllChatFilesSpec(), cancellationToken))
            .Select(f => f.Location.Key).ToHashSet(StringComparer.Ordinal);
        var fileObjects = 0;
        foreach (var backend in new[] { StorageBackend.Postgres, policy.Choose(MediaKind.Video, 0) })
        {
            fileObjects += await SweepAsync(stores.Resolve(backend), "files/", fileKeys, before, cancellationToken);
        }

        return new SweepReport(spooled, videoObjects, imageObjects, fileObjects);
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
        public AllVideosSpec() => Query.AsNoTracking();
    }

    private sealed class AllChatFilesSpec : Specification<ChatFile>
    {
        public AllChatFilesSpec() => Query.AsNoTracking();
    }

    private sealed class AllImagesSpec : Specification<ImageAsset>
    {
        public AllImagesSpec()
        {
            Query.Include(i => i.Thumbnails)
                .AsNoTracking();
        }
    }
}
