using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Backups;

/// <summary>
/// A new backup folder under <paramref name="OutputDirectory"/>: the database dumped (images live there) and the
/// video store's objects copied, with a manifest of every object's size and SHA-256 written last. With
/// <paramref name="Keep"/>, older complete backups beyond the newest <paramref name="Keep"/> are then deleted.
/// </summary>
public sealed record CreateBackupCommand(string OutputDirectory, int? Keep) : IRequest<CreateBackupResult>;

/// <param name="Failures">Objects whose bytes differ from what their store recorded (backed up as read).</param>
/// <param name="Pruned">The names of the older backups deleted for <c>--keep</c>.</param>
public sealed record CreateBackupResult(string Path, BackupFile Database, int Objects, long ObjectBytes,
    IReadOnlyList<BackupFailure> Failures, IReadOnlyList<string> Pruned);

public sealed class CreateBackupValidator : AbstractValidator<CreateBackupCommand>
{
    public CreateBackupValidator()
    {
        RuleFor(c => c.OutputDirectory).NotEmpty().WithMessage("Name the folder that keeps the backups.").OverridePropertyName("out");
        RuleFor(c => c.Keep).GreaterThanOrEqualTo(1).When(c => c.Keep is not null)
            .WithMessage("Keep at least 1 backup.").OverridePropertyName("keep");
    }
}

public sealed class CreateBackupHandler(IBackupFolders folders, IDatabaseDump database, IMediaStores stores,
    StoragePolicy policy, IWorkProgress progress, IClock clock) : IRequestHandler<CreateBackupCommand, CreateBackupResult>
{
    /// <summary>
    /// The key prefixes the service writes to the video store: videos, chat files over <c>Images:MaxBytes</c>, and
    /// images, which go there only if the storage policy ever sends one (the key scheme allows it).
    /// </summary>
    public static readonly IReadOnlyList<string> VideoStorePrefixes = ["videos/", "files/", "images/"];

    public async Task<CreateBackupResult> Handle(CreateBackupCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var backend = policy.Choose(MediaKind.Video, 0);
        var store = stores.Resolve(backend);
        var createdAt = clock.UtcNow;
        using var backup = folders.Create(request.OutputDirectory, createdAt);

        // The dump first, then the objects: a row in the dump's snapshot then finds its object unless the object
        // was deleted meanwhile, whereas copying first would miss every upload made while the dump ran.
        var dump = await progress.StepAsync($"Dumping database {database.DatabaseName}", 1, async report =>
        {
            await database.DumpAsync(backup.DumpPath, cancellationToken);
            await using var written = backup.ReadDump();
            var (size, sha256) = await BackupHashing.HashAsync(written, null, cancellationToken);
            report($"{Path.GetFileName(backup.DumpPath)}: {size} bytes");
            return new BackupFile(Path.GetFileName(backup.DumpPath), size, sha256);
        });

        var listed = new List<StoredMedia>();
        foreach (var prefix in VideoStorePrefixes)
        {
            await foreach (var media in store.ListAsync(prefix, cancellationToken))
            {
                listed.Add(media);
            }
        }

        var failures = new List<BackupFailure>();
        var objects = await progress.StepAsync($"Copying {listed.Count} object(s) from the {backend} video store",
            listed.Count, async report =>
            {
                var copied = new List<BackupObject>(listed.Count);
                foreach (var media in listed)
                {
                    if (await CopyAsync(store, media, backup, failures, cancellationToken) is { } copy)
                    {
                        copied.Add(copy);
                        report(media.Key);
                    }
                    else
                    {
                        report($"{media.Key}: deleted since it was listed, left out");
                    }
                }

                return copied;
            });

        await backup.CompleteAsync(new BackupManifest(BackupManifest.CurrentFormat, createdAt, backend, dump, objects),
            cancellationToken);
        var pruned = request.Keep is { } keep ? Prune(request.OutputDirectory, keep, backup.Path) : [];
        return new CreateBackupResult(backup.Path, dump, objects.Count, objects.Sum(o => o.Size), failures, pruned);
    }

    /// <returns>The object as backed up, or <c>null</c> when it is gone from the store.</returns>
    private static async Task<BackupObject?> CopyAsync(IMediaStore store, StoredMedia media, IBackupWriter backup,
        List<BackupFailure> failures, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenAsync(media.Key, null, cancellationToken);
        if (content is null)
        {
            return null;
        }

        (long Size, string Sha256) copied;
        await using (var file = backup.CreateObject(media.Key))
        {
            copied = await BackupHashing.HashAsync(content.Stream, file, cancellationToken);
        }

        // An object written by something else has no recorded hash (S3 metadata): nothing to compare then.
        if (copied.Size != media.Size || (media.Sha256.Length > 0 && copied.Sha256 != media.Sha256))
        {
            failures.Add(new BackupFailure(media.Key,
                $"its bytes ({copied.Size} bytes, SHA-256 {copied.Sha256}) differ from what the store recorded " +
                $"({media.Size} bytes, SHA-256 {media.Sha256}); backed up as read"));
        }

        return new BackupObject(media.Key, copied.Size, copied.Sha256, media.ContentType);
    }

    /// <summary>Deletes the complete backups older than the newest <paramref name="keep"/>, never the one just made.</summary>
    private List<string> Prune(string parent, int keep, string made)
    {
        var pruned = new List<string>();
        foreach (var old in folders.List(parent).Where(b => b.Complete).Skip(keep))
        {
            if (old.Path != made)
            {
                folders.Delete(old);
                pruned.Add(old.Name);
            }
        }

        return pruned;
    }
}
