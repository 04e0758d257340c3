using System.Buffers;
using System.Security.Cryptography;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Files;
using AbParts.Application.Videos;
using AbParts.Domain.Files;
using AbParts.Domain.Media;
using AbParts.Domain.Videos;
using Ardalis.Specification;
using FluentValidation;
using MediatR;
using ValidationException = AbParts.Application.Common.Exceptions.ValidationException;

namespace AbParts.Application.Storage;

/// <summary>
/// <c>media sync</c>: makes the video store <see cref="To"/> hold every object of <see cref="From"/> under the
/// prefixes the service writes to a video store, equal by size and SHA-256. What is missing or differs is copied;
/// a rerun copies only what is still missing or different. <see cref="Delete"/> also removes what the target holds
/// and the source does not, unless a row uses it. <see cref="Switch"/> also moves every <c>videos</c> and
/// <c>chat_files</c> row on <see cref="From"/> to <see cref="To"/> once the target's bytes, read back, match the row
/// (ADR 0021). <see cref="DryRun"/> changes nothing and reports what would be done.
/// </summary>
public sealed record SyncVideoStoreCommand(StorageBackend From, StorageBackend To, bool DryRun = false, bool Delete = false,
    bool Switch = false) : IRequest<VideoStoreSyncReport>
{
    /// <summary>Shown each step's items as they finish; nothing is shown without it.</summary>
    public IWorkProgress? Progress { get; init; }
}

public enum SyncOutcome
{
    /// <summary>The target held it already, equal by size and SHA-256.</summary>
    Unchanged,
    Copied,

    /// <summary>The target held different bytes under the key; they were replaced by the source's.</summary>
    Replaced,

    /// <summary>Removed from the target: the source does not have it and no row uses it (<c>--delete</c>).</summary>
    Deleted,

    /// <summary>Deleted from the source since it was listed (its owner was deleted meanwhile): nothing to copy.</summary>
    Vanished,
    Failed,
    WouldCopy,
    WouldReplace,
    WouldDelete,
}

/// <param name="Reason">Why it failed, for <see cref="SyncOutcome.Failed"/>.</param>
public sealed record SyncedObject(string Key, SyncOutcome Outcome, string? Reason = null);

/// <param name="SourceObjects">Objects listed in the source under the prefixes.</param>
/// <param name="Objects">Every object looked at, in key order, then every object deleted (or to delete) from the target.</param>
/// <param name="RowsSwitched">Rows moved to the target (with <c>--dry-run</c>, rows that would be).</param>
/// <param name="RowsLeft">With <c>--switch</c>, rows still on the source afterwards: their copy failed, or they were written during the run.</param>
public sealed record VideoStoreSyncReport(StorageBackend From, StorageBackend To, bool DryRun, int SourceObjects,
    IReadOnlyList<SyncedObject> Objects, int RowsSwitched, int RowsLeft)
{
    public IEnumerable<SyncedObject> Failures => Objects.Where(o => o.Outcome == SyncOutcome.Failed);

    public int Count(SyncOutcome outcome) => Objects.Count(o => o.Outcome == outcome);
}

public sealed class SyncVideoStoreValidator : AbstractValidator<SyncVideoStoreCommand>
{
    public SyncVideoStoreValidator()
    {
        RuleFor(c => c.From).Must(IsVideoStore).WithMessage("must be local or s3.");
        RuleFor(c => c.To).Must(IsVideoStore).WithMessage("must be local or s3.")
            .NotEqual(c => c.From).WithMessage("must differ from --from: a store is already in sync with itself.");
    }

    private static bool IsVideoStore(StorageBackend backend) => backend is StorageBackend.Local or StorageBackend.S3;
}

public sealed class SyncVideoStoreHandler(IVideoStores stores, IRepository<VideoAsset> videos, IRepository<ChatFile> files,
    IUnitOfWork unitOfWork, IClock clock) : IRequestHandler<SyncVideoStoreCommand, VideoStoreSyncReport>
{
    /// <summary>
    /// Where the service writes in a video store: videos, and chat files over <c>Images:MaxBytes</c>. Images never go
    /// there: they are compressed to at most <c>Images:MaxBytes</c>, which the storage policy keeps in PostgreSQL.
    /// </summary>
    public static readonly IReadOnlyList<string> Prefixes = ["videos/", "files/"];

    private const int BufferSize = 128 * 1024;

    public async Task<VideoStoreSyncReport> Handle(SyncVideoStoreCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var source = Configured(request.From, "from");
        var target = Configured(request.To, "to");
        // A dry run reports its plan at the end; there is no work to show as it goes.
        var progress = request.DryRun ? WorkProgress.None : request.Progress ?? WorkProgress.None;

        // Rows first: a row is committed only after its bytes are stored, so the source listing below has the bytes
        // of every row read here. Rows written later stay where they are until the next run.
        var rows = await RowsInVideoStoresAsync(cancellationToken);
        var sourceObjects = await ListAsync(source, cancellationToken);
        var targetObjects = await ListAsync(target, cancellationToken);
        var moving = new Dictionary<string, Row>(StringComparer.Ordinal);
        var live = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.Backend == request.To)
            {
                live.TryAdd(row.Key, row);
            }
            else if (request.Switch && row.Backend == request.From)
            {
                moving.TryAdd(row.Key, row);
            }
        }

        var copier = new Copier(source, target, cancellationToken);
        var results = new SortedDictionary<string, SyncedObject>(StringComparer.Ordinal);
        var work = new List<Item>();
        foreach (var key in sourceObjects.Keys.Union(moving.Keys))
        {
            var item = new Item(key, sourceObjects.GetValueOrDefault(key), targetObjects.GetValueOrDefault(key),
                moving.GetValueOrDefault(key), live.GetValueOrDefault(key));
            // Equal by what the stores recorded and no row to verify: nothing to read.
            if (item is { Row: null, Source.Sha256.Length: > 0 } && SameFacts(item.Target, Facts.Of(item.Source)))
            {
                results[key] = new SyncedObject(key, SyncOutcome.Unchanged);
            }
            else
            {
                work.Add(item);
            }
        }

        var verified = new HashSet<string>(StringComparer.Ordinal);
        var step = request.Switch
            ? $"Copying {Name(request.From)} to {Name(request.To)} and reading the copies back"
            : $"Copying {Name(request.From)} to {Name(request.To)}";
        await progress.StepAsync(step, work.Count, async report =>
        {
            foreach (var item in work)
            {
                var (result, isVerified) = await copier.SyncAsync(item, request.DryRun);
                results[item.Key] = result;
                if (isVerified)
                {
                    verified.Add(item.Key);
                }

                report($"{item.Key}: {Describe(result)}{(isVerified ? ", verified" : string.Empty)}");
            }

            return work.Count;
        });

        var objects = results.Values.ToList();
        if (request.Delete)
        {
            objects.AddRange(await DeleteStraysAsync(target, targetObjects.Keys, sourceObjects, rows, request, progress,
                cancellationToken));
        }

        var rowsSwitched = 0;
        var rowsLeft = 0;
        if (request.Switch)
        {
            var ready = moving.Values.Where(r => request.DryRun
                ? results[r.Key].Outcome is SyncOutcome.Unchanged or SyncOutcome.WouldCopy or SyncOutcome.WouldReplace
                : verified.Contains(r.Key)).ToList();
            rowsSwitched = request.DryRun ? ready.Count : await SwitchAsync(ready, request, progress, cancellationToken);
            rowsLeft = request.DryRun
                ? moving.Count - ready.Count
                : await videos.CountAsync(new VideosInStoreSpec(request.From), cancellationToken)
                  + await files.CountAsync(new ChatFilesInStoreSpec(request.From), cancellationToken);
        }

        return new VideoStoreSyncReport(request.From, request.To, request.DryRun, sourceObjects.Count, objects, rowsSwitched,
            rowsLeft);
    }

    private IMediaStore Configured(StorageBackend backend, string option) =>
        stores.Find(backend) ?? throw new ValidationException(option, backend == StorageBackend.S3
            ? "s3 is not configured: set Storage:Videos:S3:Bucket (with its ServiceUrl, Region and keys) first."
            : $"{Name(backend)} is not configured.");

    private async Task<List<Row>> RowsInVideoStoresAsync(CancellationToken cancellationToken)
    {
        var rows = (await videos.ListAsync(new VideosInVideoStoresSpec(), cancellationToken))
            .Select(v => new Row(v.Id.Value, IsVideo: true, v.Location.Backend, v.Location.Key, new Facts(v.ByteSize, v.Sha256.Value)))
            .ToList();
        rows.AddRange((await files.ListAsync(new ChatFilesInVideoStoresSpec(), cancellationToken))
            .Select(f => new Row(f.Id.Value, IsVideo: false, f.Location.Backend, f.Location.Key, new Facts(f.ByteSize, f.Sha256.Value))));
        return rows;
    }

    private static async Task<Dictionary<string, StoredMedia>> ListAsync(IMediaStore store, CancellationToken cancellationToken)
    {
        var objects = new Dictionary<string, StoredMedia>(StringComparer.Ordinal);
        try
        {
            foreach (var prefix in Prefixes)
            {
                await foreach (var media in store.ListAsync(prefix, cancellationToken))
                {
                    objects[media.Key] = media;
                }
            }
        }
        catch (Exception e) when (e is not (OperationCanceledException or DependencyUnavailableException))
        {
            throw new DependencyUnavailableException($"Could not list the objects of {Name(store.Backend)}: {e.Message}", e);
        }

        return objects;
    }

    /// <summary>Target objects the source does not have; an object a row uses stays, whichever backend the row names.</summary>
    private static async Task<List<SyncedObject>> DeleteStraysAsync(IMediaStore target, IEnumerable<string> targetKeys,
        Dictionary<string, StoredMedia> sourceObjects, List<Row> rows, SyncVideoStoreCommand request, IWorkProgress progress,
        CancellationToken cancellationToken)
    {
        var used = rows.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var strays = targetKeys.Where(k => !sourceObjects.ContainsKey(k) && !used.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (request.DryRun)
        {
            return strays.Select(k => new SyncedObject(k, SyncOutcome.WouldDelete)).ToList();
        }

        var deleted = new List<SyncedObject>();
        await progress.StepAsync($"Deleting from {Name(request.To)} what {Name(request.From)} does not have", strays.Count,
            async report =>
            {
                foreach (var key in strays)
                {
                    SyncedObject result;
                    try
                    {
                        await target.DeleteAsync(key, cancellationToken);
                        result = new SyncedObject(key, SyncOutcome.Deleted);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        result = new SyncedObject(key, SyncOutcome.Failed, $"could not delete it: {e.Message}");
                    }

                    deleted.Add(result);
                    report($"{key}: {Describe(result)}");
                }

                return deleted.Count;
            });
        return deleted;
    }

    /// <summary>One row per transaction, under its row lock, and only while it still names the verified object.</summary>
    private async Task<int> SwitchAsync(List<Row> rows, SyncVideoStoreCommand request, IWorkProgress progress,
        CancellationToken cancellationToken) =>
        await progress.StepAsync($"Switching rows to {Name(request.To)}", rows.Count, async report =>
        {
            var switched = 0;
            foreach (var row in rows)
            {
                var moved = await unitOfWork.InTransactionAsync(() => MoveAsync(row, request, cancellationToken), cancellationToken);
                switched += moved ? 1 : 0;
                report($"{(row.IsVideo ? "video" : "chat file")} {row.Id}: {(moved ? $"now on {Name(request.To)}" : "changed meanwhile, left alone")}");
            }

            return switched;
        });

    private async Task<bool> MoveAsync(Row row, SyncVideoStoreCommand request, CancellationToken cancellationToken)
    {
        var expected = StorageLocation.Create(request.From, row.Key);
        if (row.IsVideo)
        {
            if (!await videos.LockAsync(row.Id, cancellationToken)
                || await videos.FirstOrDefaultAsync(new VideoByIdSpec(new VideoAssetId(row.Id)), cancellationToken) is not { } video
                || video.Location != expected)
            {
                return false;
            }

            video.MoveTo(request.To, clock.UtcNow);
        }
        else
        {
            if (!await files.LockAsync(row.Id, cancellationToken)
                || await files.FirstOrDefaultAsync(new ChatFileByIdSpec(new ChatFileId(row.Id)), cancellationToken) is not { } file
                || file.Location != expected)
            {
                return false;
            }

            file.MoveTo(request.To);
        }

        await unitOfWork.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static bool SameFacts(StoredMedia? media, Facts expected) =>
        media is not null && new Facts(media.Size, media.Sha256) == expected;

    private static string Name(StorageBackend backend) => backend.ToString().ToLowerInvariant();

    private static string Describe(SyncedObject result) => result.Outcome switch
    {
        SyncOutcome.Unchanged => "unchanged",
        SyncOutcome.Copied => "copied",
        SyncOutcome.Replaced => "replaced",
        SyncOutcome.Deleted => "deleted",
        SyncOutcome.Vanished => "deleted from the source meanwhile",
        SyncOutcome.WouldCopy => "would copy",
        SyncOutcome.WouldReplace => "would replace",
        SyncOutcome.WouldDelete => "would delete",
        _ => $"failed: {result.Reason}",
    };

    /// <summary>A size and a SHA-256: what two copies must share.</summary>
    private sealed record Facts(long Size, string Sha256)
    {
        public static Facts Of(StoredMedia media) => new(media.Size, media.Sha256);

        public override string ToString() => $"{Size} bytes, SHA-256 {Sha256}";
    }

    /// <param name="Facts">The size and SHA-256 the row recorded when the bytes were stored.</param>
    private sealed record Row(Guid Id, bool IsVideo, StorageBackend Backend, string Key, Facts Facts);

    /// <param name="Row">The row to move, with <c>--switch</c>.</param>
    /// <param name="Live">A row already on the target that uses the key: the target's copy is the one in use.</param>
    private sealed record Item(string Key, StoredMedia? Source, StoredMedia? Target, Row? Row, Row? Live);

    /// <summary>Why one object could not be synced; the run goes on with the next.</summary>
    private sealed class SyncFailure(string message) : Exception(message);

    /// <summary>Copies and verifies one object at a time between two stores.</summary>
    private sealed class Copier(IMediaStore source, IMediaStore target, CancellationToken cancellationToken)
    {
        private string From => Name(source.Backend);

        private string To => Name(target.Backend);

        /// <returns>The outcome, and whether the target's bytes were read back and match the item's row.</returns>
        public async Task<(SyncedObject Result, bool Verified)> SyncAsync(Item item, bool dryRun)
        {
            try
            {
                var outcome = SyncOutcome.Unchanged;
                // What the source recorded; an object written by another tool has no SHA-256 recorded, so it is read.
                var expected = item.Source is null ? null
                    : item.Source.Sha256.Length > 0 ? Facts.Of(item.Source)
                    : await HashAsync(source, item.Key);
                var differs = expected is not null && !SameFacts(item.Target, expected);
                if (differs && item.Live is { } inUse && SameFacts(item.Target, inUse.Facts))
                {
                    throw new SyncFailure($"{To}'s copy is in use and matches its row ({inUse.Facts}), {From}'s ({expected}) does not; {To}'s copy was left as it was");
                }

                if (dryRun)
                {
                    // What the target would hold afterwards, by what the stores recorded, against the row to switch.
                    var after = expected ?? (item.Target is null ? null : Facts.Of(item.Target));
                    if (item.Row is { } planned && after != planned.Facts)
                    {
                        throw new SyncFailure(Mismatch(expected, planned));
                    }

                    return (new SyncedObject(item.Key,
                        !differs ? SyncOutcome.Unchanged : item.Target is null ? SyncOutcome.WouldCopy : SyncOutcome.WouldReplace), false);
                }

                if (differs)
                {
                    outcome = await CopyAsync(item.Key, expected!, replace: item.Target is not null);
                }

                if (item.Row is not { } row)
                {
                    return (new SyncedObject(item.Key, outcome), false);
                }

                // Switching trusts bytes, not what a store recorded about them: the copy is read back and hashed.
                var actual = await HashAsync(target, item.Key);
                if (actual != row.Facts && outcome == SyncOutcome.Unchanged && expected is not null && expected == row.Facts)
                {
                    outcome = await CopyAsync(item.Key, expected, replace: actual is not null);
                    actual = await HashAsync(target, item.Key);
                }

                if (actual != row.Facts)
                {
                    throw new SyncFailure(Mismatch(expected, row));
                }

                return (new SyncedObject(item.Key, outcome), true);
            }
            catch (SyncFailure e)
            {
                return (new SyncedObject(item.Key, SyncOutcome.Failed, e.Message), false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return (new SyncedObject(item.Key, SyncOutcome.Failed, e.Message), false);
            }
        }

        /// <summary>Why a row cannot move: what its bytes are in the source, against what the row recorded.</summary>
        private string Mismatch(Facts? expected, Row row) => expected is null
            ? $"missing from {From}, and {To} has no copy matching its row ({row.Facts}); the row stays on {From}"
            : expected != row.Facts
                ? $"{From}'s object ({expected}) does not match its row ({row.Facts}); the row stays on {From}"
                : $"{To}'s copy does not match its row ({row.Facts}) when read back; the row stays on {From}";

        private async Task<SyncOutcome> CopyAsync(string key, Facts expected, bool replace)
        {
            if (replace)
            {
                // The target's copy goes only once the source's bytes are known sound: a damaged source never
                // replaces a good copy.
                var sourceFacts = await HashAsync(source, key);
                if (sourceFacts is null)
                {
                    return SyncOutcome.Vanished;
                }

                if (sourceFacts != expected)
                {
                    throw new SyncFailure($"{From}'s bytes ({sourceFacts}) do not match what {From} recorded ({expected}); {To}'s copy was left as it was");
                }

                await target.DeleteAsync(key, cancellationToken);
            }

            StoredMedia saved;
            await using (var content = await source.OpenAsync(key, null, cancellationToken))
            {
                if (content is null)
                {
                    return SyncOutcome.Vanished;
                }

                saved = await target.SaveAsync(key, content.Stream, content.Media.ContentType, cancellationToken);
            }

            if (Facts.Of(saved) != expected)
            {
                await target.DeleteAsync(key, cancellationToken);
                throw new SyncFailure($"the bytes read from {From} ({Facts.Of(saved)}) do not match what {From} recorded ({expected}); nothing was kept in {To}");
            }

            if (await target.StatAsync(key, cancellationToken) is not { } stored || Facts.Of(stored) != expected)
            {
                throw new SyncFailure($"{To} does not report the size and SHA-256 just written ({expected})");
            }

            return replace ? SyncOutcome.Replaced : SyncOutcome.Copied;
        }

        /// <summary>The size and SHA-256 of the bytes a store gives for <paramref name="key"/>; <c>null</c> when it has none.</summary>
        private async Task<Facts?> HashAsync(IMediaStore store, string key)
        {
            await using var content = await store.OpenAsync(key, null, cancellationToken);
            if (content is null)
            {
                return null;
            }

            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                long size = 0;
                int read;
                while ((read = await content.Stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                {
                    sha256.AppendData(buffer, 0, read);
                    size += read;
                }

                return new Facts(size, Convert.ToHexStringLower(sha256.GetHashAndReset()));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private sealed class VideosInVideoStoresSpec : Specification<VideoAsset>
    {
        public VideosInVideoStoresSpec() => Query.AsNoTracking();
    }

    private sealed class ChatFilesInVideoStoresSpec : Specification<ChatFile>
    {
        public ChatFilesInVideoStoresSpec()
        {
            Query.Where(f => f.Location.Backend != StorageBackend.Postgres)
                .AsNoTracking();
        }
    }

    private sealed class VideosInStoreSpec : Specification<VideoAsset>
    {
        public VideosInStoreSpec(StorageBackend backend) => Query.Where(v => v.Location.Backend == backend);
    }

    private sealed class ChatFilesInStoreSpec : Specification<ChatFile>
    {
        public ChatFilesInStoreSpec(StorageBackend backend) => Query.Where(f => f.Location.Backend == backend);
    }
}
