using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;
using FluentValidation;
using MediatR;
using ValidationException = AbParts.Application.Common.Exceptions.ValidationException;

namespace AbParts.Application.Backups;

/// <summary>
/// Restores a backup into the configured database and video store, both of which must be empty: the dump (checked
/// against the manifest first) with PostgreSQL's own tool, then every object, each checked against its SHA-256.
/// <paramref name="From"/> is a backup folder, or a folder of backups whose newest complete one is taken.
/// </summary>
public sealed record RestoreBackupCommand(string From) : IRequest<RestoreBackupResult>;

/// <param name="Restored">Whether the database was restored (false when the dump failed its check: nothing was changed).</param>
/// <param name="Failures">Objects missing from the backup or differing from the manifest; they were not restored.</param>
public sealed record RestoreBackupResult(string Path, DateTimeOffset CreatedAt, string Database, bool Restored, int Objects,
    long ObjectBytes, IReadOnlyList<BackupFailure> Failures);

public sealed class RestoreBackupValidator : AbstractValidator<RestoreBackupCommand>
{
    public RestoreBackupValidator() =>
        RuleFor(c => c.From).NotEmpty().WithMessage("Name the backup to restore.").OverridePropertyName("from");
}

public sealed class RestoreBackupHandler(IBackupFolders folders, IDatabaseDump database, IMediaStores stores,
    StoragePolicy policy, IWorkProgress progress) : IRequestHandler<RestoreBackupCommand, RestoreBackupResult>
{
    public async Task<RestoreBackupResult> Handle(RestoreBackupCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var backup = folders.Open(request.From);
        var manifest = backup.Manifest;
        var backend = policy.Choose(MediaKind.Video, 0);
        if (manifest.VideoBackend != backend)
        {
            throw new ValidationException("from",
                $"The backup {backup.Path} holds objects of the {manifest.VideoBackend} video store, but this instance's video " +
                $"store is {backend} (Storage:Videos:Backend). Restore with Storage:Videos:Backend={manifest.VideoBackend}, " +
                $"then move the objects to {backend}.");
        }

        // Every check that can refuse comes before the first change.
        var store = stores.Resolve(backend);
        await foreach (var found in store.ListAsync(string.Empty, cancellationToken))
        {
            throw new ValidationException("store",
                $"The {backend} video store is not empty (it holds '{found.Key}', and maybe more). A restore goes into an " +
                "empty store: point Storage:Videos at a new folder or bucket (with Local, a new ABPARTS_DATA_DIR).");
        }

        if (await CheckDumpAsync(backup, cancellationToken) is { } broken)
        {
            return new RestoreBackupResult(backup.Path, manifest.CreatedAt, database.DatabaseName, Restored: false, 0, 0, [broken]);
        }

        var tables = await database.EnsureDatabaseAndListTablesAsync(cancellationToken);
        if (tables.Count > 0)
        {
            throw new ValidationException("database",
                $"The database '{database.DatabaseName}' is not empty: schema public has {tables.Count} table(s) " +
                $"({string.Join(", ", tables.Take(5))}{(tables.Count > 5 ? ", …" : string.Empty)}). A restore goes into an empty " +
                "database: name a new one in ConnectionStrings__Default (it is created), or drop this one first.");
        }

        await progress.StepAsync($"Restoring database {database.DatabaseName}", 1, async report =>
        {
            await database.RestoreAsync(backup.DumpPath, cancellationToken);
            report(manifest.Database.Name);
            return true;
        });

        var failures = new List<BackupFailure>();
        var restored = await progress.StepAsync($"Restoring {manifest.Objects.Count} object(s) to the {backend} video store",
            manifest.Objects.Count, async report =>
            {
                var done = new List<BackupObject>();
                foreach (var item in manifest.Objects)
                {
                    if (await RestoreAsync(backup, store, item, cancellationToken) is { } problem)
                    {
                        failures.Add(new BackupFailure(item.Key, problem));
                        report($"{item.Key}: {problem}");
                    }
                    else
                    {
                        done.Add(item);
                        report(item.Key);
                    }
                }

                return done;
            });

        return new RestoreBackupResult(backup.Path, manifest.CreatedAt, database.DatabaseName, Restored: true, restored.Count,
            restored.Sum(o => o.Size), failures);
    }

    private async Task<BackupFailure?> CheckDumpAsync(IBackupReader backup, CancellationToken cancellationToken) =>
        await progress.StepAsync("Checking the database dump", 1, async report =>
        {
            var expected = backup.Manifest.Database;
            await using var dump = backup.ReadDump();
            report(expected.Name);
            if (dump is null)
            {
                return new BackupFailure(expected.Name, "missing from the backup; nothing was restored");
            }

            var (size, sha256) = await BackupHashing.HashAsync(dump, null, cancellationToken);
            return size == expected.Size && sha256 == expected.Sha256
                ? null
                : new BackupFailure(expected.Name,
                    $"{size} bytes with SHA-256 {sha256}, but the manifest says {expected.Size} bytes with SHA-256 " +
                    $"{expected.Sha256}; nothing was restored");
        });

    /// <returns>Why the object was not restored, or <c>null</c> when it was.</returns>
    private static async Task<string?> RestoreAsync(IBackupReader backup, IMediaStore store, BackupObject item,
        CancellationToken cancellationToken)
    {
        if (!StorageLocation.IsValidKey(item.Key))
        {
            return "not a valid storage key";
        }

        await using var source = backup.ReadObject(item.Key);
        if (source is null)
        {
            return "missing from the backup";
        }

        var saved = await store.SaveAsync(item.Key, source, item.ContentType, cancellationToken);
        if (saved.Sha256 == item.Sha256 && saved.Size == item.Size)
        {
            return null;
        }

        await store.DeleteAsync(item.Key, cancellationToken);
        return $"{saved.Size} bytes with SHA-256 {saved.Sha256}, but the manifest says {item.Size} bytes with SHA-256 " +
               $"{item.Sha256}; not restored";
    }
}
