using AbParts.Domain.Media;

namespace AbParts.Application.Common.Abstractions;

/// <summary>
/// Keeps bytes under service-made keys. Three adapters: PostgreSQL (images, transactional with the
/// unit of work), the local file system and S3 (videos and large files).
/// </summary>
public interface IMediaStore
{
    StorageBackend Backend { get; }

    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing nothing: a key is written once.</summary>
    Task<StoredMedia> SaveAsync(string key, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>The bytes of <paramref name="key"/>, or of <paramref name="range"/> of them; <c>null</c> when the key is unknown.</summary>
    Task<MediaContent?> OpenAsync(string key, ByteRange? range, CancellationToken cancellationToken);

    /// <summary>Size, hash and type of <paramref name="key"/> without reading it; <c>null</c> when unknown.</summary>
    Task<StoredMedia?> StatAsync(string key, CancellationToken cancellationToken);

    /// <returns>Whether something was deleted.</returns>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    IAsyncEnumerable<StoredMedia> ListAsync(string prefix, CancellationToken cancellationToken);
}

/// <summary>
/// A store that can let a client fetch an object itself (S3 presigned GET), sparing the service the bytes.
/// </summary>
public interface IDirectReadStore
{
    /// <summary>A short-lived URL to read <paramref name="key"/> from, or <c>null</c> when the service should proxy.</summary>
    Uri? DirectReadUrl(string key);
}

/// <summary>Chooses the adapter for a backend; the storage policy chooses the backend.</summary>
public interface IMediaStores
{
    IMediaStore Resolve(StorageBackend backend);
}

/// <summary>
/// Where one object's bytes are, as a read model hands it to the HTTP layer: open them or a range of them.
/// A lookup kept for a while (a video's playback) may outlive the object, so <see cref="TryOpenAsync"/>
/// answers <c>null</c> when the bytes are gone and the caller decides whether that is a 404 or a fault.
/// </summary>
public abstract class StoredBytes(IMediaStore store, string key)
{
    /// <summary>The bytes (or a range of them); throws when the store has none.</summary>
    public async Task<MediaContent> OpenAsync(ByteRange? range, CancellationToken cancellationToken) =>
        await TryOpenAsync(range, cancellationToken)
        ?? throw new InvalidOperationException($"The bytes of {key} are missing from {store.Backend}.");

    /// <summary>The bytes (or a range of them), or <c>null</c> when the store has none, e.g. because the owner was deleted since the lookup.</summary>
    public Task<MediaContent?> TryOpenAsync(ByteRange? range, CancellationToken cancellationToken) =>
        store.OpenAsync(key, range, cancellationToken);

    /// <summary>Whether the store still has the bytes.</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken) => await store.StatAsync(key, cancellationToken) is not null;
}

/// <param name="Sha256">64 lower-case hex digits.</param>
public sealed record StoredMedia(string Key, long Size, string Sha256, string ContentType, DateTimeOffset CreatedAt);

/// <summary>A byte range: from <paramref name="Offset"/>, <paramref name="Length"/> bytes (to the end when <c>null</c>).</summary>
public readonly record struct ByteRange(long Offset, long? Length);

/// <summary>Bytes being read from a store; dispose it to release the underlying stream.</summary>
public sealed class MediaContent(Stream stream, StoredMedia media, long offset, long length) : IAsyncDisposable
{
    public Stream Stream { get; } = stream;

    public StoredMedia Media { get; } = media;

    /// <summary>Where <see cref="Stream"/> starts within the object.</summary>
    public long Offset { get; } = offset;

    /// <summary>How many bytes <see cref="Stream"/> yields.</summary>
    public long Length { get; } = length;

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
