using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;

namespace AbParts.Application.UnitTests.Support;

/// <summary>An <see cref="IMediaStore"/> over a dictionary, counting what it was asked to do.</summary>
public sealed class InMemoryMediaStore(StorageBackend backend = StorageBackend.Postgres) : IMediaStore, IMediaStores
{
    private readonly Dictionary<string, (byte[] Bytes, StoredMedia Media)> _objects = [];

    public StorageBackend Backend { get; } = backend;

    public IReadOnlyCollection<string> Keys => _objects.Keys;

    public int Opens { get; private set; }

    public IMediaStore Resolve(StorageBackend backend) =>
        backend == Backend ? this : throw new InvalidOperationException($"No store for {backend}.");

    public async Task<StoredMedia> SaveAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        var bytes = copy.ToArray();
        var media = new StoredMedia(key, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), contentType, Fakes.Now);
        _objects.Add(key, (bytes, media));
        OnSave?.Invoke(key);
        return media;
    }

    /// <summary>Runs after each save, with the key: a test's way to note when the bytes were written.</summary>
    public Action<string>? OnSave { get; set; }

    /// <summary>Runs before each open, with the key: a test's way to let another request's change land just then.</summary>
    public Func<string, Task>? BeforeOpen { get; set; }

    public async Task<MediaContent?> OpenAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        Opens++;
        if (BeforeOpen is { } change)
        {
            await change(key);
        }

        return _objects.TryGetValue(key, out var found)
            ? new MediaContent(new MemoryStream(found.Bytes), found.Media, 0, found.Bytes.Length)
            : null;
    }

    public Task<StoredMedia?> StatAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_objects.TryGetValue(key, out var found) ? found.Media : null);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => Task.FromResult(_objects.Remove(key));

    public async IAsyncEnumerable<StoredMedia> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var (key, found) in _objects.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(o => o.Key))
        {
            yield return found.Media;
        }
    }

    public byte[] Bytes(string key) => _objects[key].Bytes;
}
