using System.Runtime.CompilerServices;
using AbParts.Application.Backups;
using AbParts.Application.Common.Exceptions;

namespace AbParts.Application.UnitTests.Support;

/// <summary>
/// Backup folders, a database dump and the image check in memory, sharing one set of "files" (path → bytes), and a
/// journal of what happened in which order.
/// </summary>
public sealed class BackupWorld
{
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, BackupManifest> Manifests { get; } = new(StringComparer.Ordinal);

    public List<string> Journal { get; } = [];

    public InMemoryBackupFolders Folders { get; }

    public InMemoryDatabaseDump Database { get; }

    public BackupWorld()
    {
        Folders = new InMemoryBackupFolders(this);
        Database = new InMemoryDatabaseDump(this);
    }
}

public sealed class InMemoryBackupFolders(BackupWorld world) : IBackupFolders
{
    /// <summary>Backups made before the test, by path: whether each is complete.</summary>
    public List<BackupListing> Existing { get; } = [];

    public List<string> Deleted { get; } = [];

    public IBackupWriter Create(string parent, DateTimeOffset createdAt)
    {
        var path = $"{parent}/abparts-{createdAt:yyyyMMddTHHmmssZ}";
        world.Journal.Add($"create {path}");
        return new Writer(world, path, this);
    }

    public IReadOnlyList<BackupListing> List(string parent) =>
        [.. Existing.Where(b => b.Path.StartsWith(parent + "/", StringComparison.Ordinal)).OrderByDescending(b => b.CreatedAt)];

    public IBackupReader Open(string path) => world.Manifests.TryGetValue(path, out var manifest)
        ? new Reader(world, path, manifest)
        : throw new NotFoundException($"No backup at {path}.");

    public void Delete(BackupListing backup)
    {
        Deleted.Add(backup.Name);
        Existing.Remove(backup);
    }

    private sealed class Writer(BackupWorld world, string path, InMemoryBackupFolders folders) : IBackupWriter
    {
        private bool _complete;

        public string Path => path;

        public string DumpPath => $"{path}/database.dump";

        public Stream ReadDump() => new MemoryStream(world.Files[DumpPath]);

        public Stream CreateObject(string key)
        {
            world.Journal.Add($"object {key}");
            return new Capture(bytes => world.Files[$"{path}/objects/{key}"] = bytes);
        }

        public Task CompleteAsync(BackupManifest manifest, CancellationToken cancellationToken)
        {
            world.Journal.Add("manifest");
            world.Manifests[path] = manifest;
            folders.Existing.Add(new BackupListing(path, System.IO.Path.GetFileName(path), manifest.CreatedAt, Complete: true));
            _complete = true;
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            if (!_complete)
            {
                world.Journal.Add($"removed {path}");
                foreach (var file in world.Files.Keys.Where(k => k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
                {
                    world.Files.Remove(file);
                }
            }
        }
    }

    private sealed class Reader(BackupWorld world, string path, BackupManifest manifest) : IBackupReader
    {
        public string Path => path;

        public BackupManifest Manifest => manifest;

        public string DumpPath => $"{path}/database.dump";

        public Stream? ReadDump() => world.Files.TryGetValue(DumpPath, out var bytes) ? new MemoryStream(bytes) : null;

        public Stream? ReadObject(string key) =>
            world.Files.TryGetValue($"{path}/objects/{key}", out var bytes) ? new MemoryStream(bytes) : null;
    }

    /// <summary>A writable stream that hands its bytes over when disposed.</summary>
    private sealed class Capture(Action<byte[]> done) : MemoryStream
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                done(ToArray());
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>A database whose dump is <see cref="DumpBytes"/>; a restored dump holds <see cref="Blobs"/> and <see cref="References"/>.</summary>
public sealed class InMemoryDatabaseDump(BackupWorld world) : IDatabaseDump
{
    public byte[] DumpBytes { get; set; } = "PGDMP custom format"u8.ToArray();

    public List<string> Tables { get; } = [];

    public List<StoredBlob> Blobs { get; } = [];

    public List<StoredObjectReference> References { get; } = [];

    public Exception? DumpFailure { get; set; }

    public string DatabaseName => "abparts";

    public Task DumpAsync(string file, CancellationToken cancellationToken)
    {
        world.Journal.Add("dump");
        if (DumpFailure is not null)
        {
            throw DumpFailure;
        }

        world.Files[file] = DumpBytes;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> EnsureDatabaseAndListTablesAsync(CancellationToken cancellationToken)
    {
        world.Journal.Add("ensure database");
        return Task.FromResult<IReadOnlyList<string>>([.. Tables]);
    }

    public Task RestoreAsync(string file, CancellationToken cancellationToken)
    {
        world.Journal.Add($"restore {file}");
        return Task.CompletedTask;
    }

    public Task<IRestoredDatabase> RestoreTemporaryAsync(string file, CancellationToken cancellationToken)
    {
        world.Journal.Add($"restore temporary {file}");
        return Task.FromResult<IRestoredDatabase>(new Restored(this, world));
    }

    private sealed class Restored(InMemoryDatabaseDump database, BackupWorld world) : IRestoredDatabase
    {
        public string Name => "abparts_verify_test";

        public Task<int> CountBlobsAsync(CancellationToken cancellationToken) => Task.FromResult(database.Blobs.Count);

        public async IAsyncEnumerable<StoredBlob> BlobsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            foreach (var blob in database.Blobs)
            {
                yield return blob;
            }
        }

        public Task<IReadOnlyList<StoredObjectReference>> ReferencesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StoredObjectReference>>([.. database.References]);

        public ValueTask DisposeAsync()
        {
            world.Journal.Add("dropped temporary");
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Decodes every image but those whose first byte is 0.</summary>
public sealed class FakeImageCheck : IStoredImageCheck
{
    public string? Check(byte[] image) => image is [0, ..] ? "broken bitstream" : null;
}
