using AbParts.Domain.Media;

namespace AbParts.Application.Backups;

/// <summary>
/// A backup's table of contents: the database dump and every video-store object, each with its size and SHA-256.
/// Written last, so a backup folder without one is visibly incomplete (its creation did not finish).
/// </summary>
/// <param name="Format">The layout's version; <see cref="CurrentFormat"/> for backups this code writes.</param>
/// <param name="VideoBackend">The video store the objects were copied from (Local or S3); a restore goes into the same kind.</param>
public sealed record BackupManifest(int Format, DateTimeOffset CreatedAt, StorageBackend VideoBackend, BackupFile Database,
    IReadOnlyList<BackupObject> Objects)
{
    public const int CurrentFormat = 1;
}

/// <summary>A file of the backup (the database dump): its name inside the backup, size and SHA-256 (64 lower-case hex digits).</summary>
public sealed record BackupFile(string Name, long Size, string Sha256);

/// <summary>A video-store object as backed up: its key, size, SHA-256 and content type.</summary>
public sealed record BackupObject(string Key, long Size, string Sha256, string ContentType);

/// <summary>A backup folder found under a parent folder.</summary>
/// <param name="Complete">Whether it has a manifest; one without is a creation that did not finish.</param>
public sealed record BackupListing(string Path, string Name, DateTimeOffset CreatedAt, bool Complete);

/// <summary>
/// Where backups are kept: folders of a fixed layout (the dump, the objects, the manifest) under a parent folder
/// the operator chooses. Only folders this port made count as backups; nothing else under the parent is listed or
/// touched.
/// </summary>
public interface IBackupFolders
{
    /// <summary>Makes a new, empty backup folder under <paramref name="parent"/> (created if missing), named for <paramref name="createdAt"/>.</summary>
    IBackupWriter Create(string parent, DateTimeOffset createdAt);

    /// <summary>The backup folders directly under <paramref name="parent"/>, complete or not, newest first; empty when it does not exist.</summary>
    IReadOnlyList<BackupListing> List(string parent);

    /// <summary>
    /// Opens a complete backup for reading: <paramref name="path"/> is a backup folder, or a folder of backups, of
    /// which the newest complete one is taken.
    /// </summary>
    /// <exception cref="Common.Exceptions.NotFoundException">No complete backup there (none, or only an incomplete one).</exception>
    IBackupReader Open(string path);

    /// <summary>Deletes a backup folder with everything in it.</summary>
    void Delete(BackupListing backup);
}

/// <summary>A backup being written. Dispose it without <see cref="CompleteAsync"/> and the folder is removed again.</summary>
public interface IBackupWriter : IDisposable
{
    string Path { get; }

    /// <summary>Where the database dump is to be written (by <see cref="IDatabaseDump.DumpAsync"/>).</summary>
    string DumpPath { get; }

    /// <summary>The dump as written, to hash it.</summary>
    Stream ReadDump();

    /// <summary>A new file for the object with this key.</summary>
    Stream CreateObject(string key);

    /// <summary>Writes the manifest, last: from then on the backup is complete and is kept.</summary>
    Task CompleteAsync(BackupManifest manifest, CancellationToken cancellationToken);
}

/// <summary>A complete backup, opened for reading.</summary>
public interface IBackupReader
{
    string Path { get; }

    BackupManifest Manifest { get; }

    /// <summary>Where the database dump is (for <see cref="IDatabaseDump.RestoreAsync"/>).</summary>
    string DumpPath { get; }

    /// <summary>The dump's bytes; <c>null</c> when the file is missing.</summary>
    Stream? ReadDump();

    /// <summary>The bytes of the object with this key; <c>null</c> when its file is missing.</summary>
    Stream? ReadObject(string key);
}

/// <summary>
/// The service's database as a file: dumped with PostgreSQL's own tools (custom format) and restored with them.
/// Fails with <see cref="DatabaseToolException"/> when a tool does, carrying what it printed.
/// </summary>
public interface IDatabaseDump
{
    /// <summary>The name of the configured database, for messages.</summary>
    string DatabaseName { get; }

    /// <summary>Dumps the configured database to <paramref name="file"/>.</summary>
    Task DumpAsync(string file, CancellationToken cancellationToken);

    /// <summary>
    /// The tables in schema <c>public</c> of the configured database, creating the database first when it does
    /// not exist (so a restore can target a new name).
    /// </summary>
    Task<IReadOnlyList<string>> EnsureDatabaseAndListTablesAsync(CancellationToken cancellationToken);

    /// <summary>Restores <paramref name="file"/> into the configured database, all or nothing.</summary>
    Task RestoreAsync(string file, CancellationToken cancellationToken);

    /// <summary>Restores <paramref name="file"/> into a new database of a unique name, dropped when the result is disposed.</summary>
    Task<IRestoredDatabase> RestoreTemporaryAsync(string file, CancellationToken cancellationToken);
}

/// <summary>A dump restored into a database of its own, for checking what it holds.</summary>
public interface IRestoredDatabase : IAsyncDisposable
{
    string Name { get; }

    /// <summary>How many objects the PostgreSQL media store (<c>media_blobs</c>) holds.</summary>
    Task<int> CountBlobsAsync(CancellationToken cancellationToken);

    /// <summary>The PostgreSQL media store's objects with their bytes and recorded SHA-256, one at a time, in key order.</summary>
    IAsyncEnumerable<StoredBlob> BlobsAsync(CancellationToken cancellationToken);

    /// <summary>Every stored object the rows refer to (images, thumbnails, videos, chat files), with the row's table.</summary>
    Task<IReadOnlyList<StoredObjectReference>> ReferencesAsync(CancellationToken cancellationToken);
}

/// <summary>An object of the PostgreSQL media store as a restored dump holds it.</summary>
/// <param name="RecordedSha256">The SHA-256 recorded when the bytes were stored.</param>
public sealed record StoredBlob(string Key, string ContentType, string RecordedSha256, byte[] Data);

/// <summary>A row's pointer to stored bytes: which table, which store, which key.</summary>
public sealed record StoredObjectReference(string Table, StorageBackend Backend, string Key);

/// <summary>Checks that a stored image (one of the service's own WebP renditions) decodes, pixels and all.</summary>
public interface IStoredImageCheck
{
    /// <returns><c>null</c> when it decodes; otherwise why not.</returns>
    string? Check(byte[] image);
}

/// <summary>pg_dump or pg_restore failed; the message carries what it printed on stderr.</summary>
public sealed class DatabaseToolException : InvalidOperationException
{
    public DatabaseToolException() : base("A PostgreSQL tool failed.") { }

    public DatabaseToolException(string message) : base(message) { }

    public DatabaseToolException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>One thing a backup verb found wrong: what (an object's key, the dump, a row) and the problem.</summary>
public sealed record BackupFailure(string Item, string Problem);
