using AbParts.Application.Common.Abstractions;
using System.Security.Cryptography;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Backups;

/// <summary>
/// Checks a backup without touching the service's data: the dump's and every object's SHA-256 against the
/// manifest; then, with the dump restored into a temporary database, every PostgreSQL-stored object against its
/// recorded SHA-256, every stored image by decoding it, and every row's stored object for presence in the backup.
/// <paramref name="From"/> is a backup folder, or a folder of backups whose newest complete one is taken.
/// </summary>
public sealed record VerifyBackupCommand(string From) : IRequest<VerifyBackupResult>;

/// <summary>One kind of check: how many items it looked at and how many failed.</summary>
public sealed record BackupCheck(string What, int Checked, int Failed);

public sealed record VerifyBackupResult(string Path, DateTimeOffset CreatedAt, IReadOnlyList<BackupCheck> Checks,
    IReadOnlyList<BackupFailure> Failures);

public sealed class VerifyBackupValidator : AbstractValidator<VerifyBackupCommand>
{
    public VerifyBackupValidator() =>
        RuleFor(c => c.From).NotEmpty().WithMessage("Name the backup to verify.").OverridePropertyName("from");
}

public sealed class VerifyBackupHandler(IBackupFolders folders, IDatabaseDump database, IStoredImageCheck images,
    IWorkProgress progress) : IRequestHandler<VerifyBackupCommand, VerifyBackupResult>
{
    public async Task<VerifyBackupResult> Handle(VerifyBackupCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var backup = folders.Open(request.From);
        var manifest = backup.Manifest;
        var checks = new List<BackupCheck>();
        var failures = new List<BackupFailure>();

        var dumpFailure = await CheckDumpAsync(backup, cancellationToken);
        Record(checks, failures, "database dump, SHA-256", 1, dumpFailure is null ? [] : [dumpFailure]);

        var objectFailures = await CheckObjectsAsync(backup, cancellationToken);
        Record(checks, failures, "video-store objects, SHA-256", manifest.Objects.Count, objectFailures);

        if (dumpFailure is not null)
        {
            failures.Add(new BackupFailure(manifest.Database.Name,
                "not restored into a temporary database, so its images and rows were not checked"));
            return new VerifyBackupResult(backup.Path, manifest.CreatedAt, checks, failures);
        }

        IRestoredDatabase restored;
        try
        {
            restored = await progress.StepAsync("Restoring the dump into a temporary database", 1, async report =>
            {
                var scratch = await database.RestoreTemporaryAsync(backup.DumpPath, cancellationToken);
                report(scratch.Name);
                return scratch;
            });
        }
        catch (DatabaseToolException e)
        {
            Record(checks, failures, "database dump, restored", 1, [new BackupFailure(manifest.Database.Name, e.Message)]);
            return new VerifyBackupResult(backup.Path, manifest.CreatedAt, checks, failures);
        }

        await using (restored)
        {
            var (blobKeys, blobCount, blobFailures, imageCount, imageFailures) = await CheckBlobsAsync(restored, cancellationToken);
            Record(checks, failures, "PostgreSQL media objects, SHA-256", blobCount, blobFailures);
            Record(checks, failures, "images decoded", imageCount, imageFailures);

            var references = await restored.ReferencesAsync(cancellationToken);
            var objectKeys = manifest.Objects.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
            var missing = references
                .Where(r => !(r.Backend == StorageBackend.Postgres ? blobKeys.Contains(r.Key)
                    : r.Backend == manifest.VideoBackend && objectKeys.Contains(r.Key)))
                .Select(r => new BackupFailure($"{r.Table} → {r.Backend.ToString().ToLowerInvariant()}:{r.Key}",
                    r.Backend == StorageBackend.Postgres || r.Backend == manifest.VideoBackend
                        ? "a row refers to it, but the backup does not hold it"
                        : $"a row refers to the {r.Backend} store, which this backup does not hold"))
                .ToList();
            Record(checks, failures, "stored objects the rows refer to", references.Count, missing);
        }

        return new VerifyBackupResult(backup.Path, manifest.CreatedAt, checks, failures);
    }

    private static void Record(List<BackupCheck> checks, List<BackupFailure> failures, string what, int count,
        List<BackupFailure> found)
    {
        checks.Add(new BackupCheck(what, count, found.Count));
        failures.AddRange(found);
    }

    private Task<BackupFailure?> CheckDumpAsync(IBackupReader backup, CancellationToken cancellationToken) =>
        progress.StepAsync("Checking the database dump", 1, async report =>
        {
            var expected = backup.Manifest.Database;
            await using var dump = backup.ReadDump();
            report(expected.Name);
            if (dump is null)
            {
                return new BackupFailure(expected.Name, "missing from the backup");
            }

            var (size, sha256) = await BackupHashing.HashAsync(dump, null, cancellationToken);
            return size == expected.Size && sha256 == expected.Sha256
                ? null
                : new BackupFailure(expected.Name,
                    $"{size} bytes with SHA-256 {sha256}, but the manifest says {expected.Size} bytes with SHA-256 {expected.Sha256}");
        });

    private Task<List<BackupFailure>> CheckObjectsAsync(IBackupReader backup, CancellationToken cancellationToken)
    {
        var objects = backup.Manifest.Objects;
        return progress.StepAsync($"Checking {objects.Count} video-store object(s)", objects.Count, async report =>
        {
            var found = new List<BackupFailure>();
            foreach (var item in objects)
            {
                var problem = await CheckObjectAsync(backup, item, cancellationToken);
                if (problem is not null)
                {
                    found.Add(new BackupFailure(item.Key, problem));
                }

                report(problem is null ? item.Key : $"{item.Key}: {problem}");
            }

            return found;
        });
    }

    private static async Task<string?> CheckObjectAsync(IBackupReader backup, BackupObject item, CancellationToken cancellationToken)
    {
        if (!StorageLocation.IsValidKey(item.Key))
        {
            return "not a valid storage key";
        }

        await using var content = backup.ReadObject(item.Key);
        if (content is null)
        {
            return "missing from the backup";
        }

        var (size, sha256) = await BackupHashing.HashAsync(content, null, cancellationToken);
        return size == item.Size && sha256 == item.Sha256
            ? null
            : $"{size} bytes with SHA-256 {sha256}, but the manifest says {item.Size} bytes with SHA-256 {item.Sha256}";
    }

    private async Task<(HashSet<string> Keys, int Count, List<BackupFailure> HashFailures, int Images, List<BackupFailure> ImageFailures)>
        CheckBlobsAsync(IRestoredDatabase restored, CancellationToken cancellationToken)
    {
        var total = await restored.CountBlobsAsync(cancellationToken);
        return await progress.StepAsync($"Checking {total} object(s) stored in PostgreSQL", total, async report =>
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var hashFailures = new List<BackupFailure>();
            var imageFailures = new List<BackupFailure>();
            var imageCount = 0;
            await foreach (var blob in restored.BlobsAsync(cancellationToken))
            {
                keys.Add(blob.Key);
                var sha256 = Convert.ToHexStringLower(SHA256.HashData(blob.Data));
                if (sha256 != blob.RecordedSha256)
                {
                    hashFailures.Add(new BackupFailure(blob.Key,
                        $"SHA-256 {sha256}, but {blob.RecordedSha256} was recorded when it was stored"));
                }

                // Only the service's own renditions (images/…): a chat file's original is a user's file, never
                // decoded outside an image worker.
                if (IsStoredImage(blob))
                {
                    imageCount++;
                    if (images.Check(blob.Data) is { } problem)
                    {
                        imageFailures.Add(new BackupFailure(blob.Key, $"does not decode: {problem}"));
                    }
                }

                report(blob.Key);
            }

            return (keys, keys.Count, hashFailures, imageCount, imageFailures);
        });
    }

    private static bool IsStoredImage(StoredBlob blob) =>
        blob.Key.StartsWith("images/", StringComparison.Ordinal) && blob.ContentType == ImageLimits.StoredContentType;
}
