using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using Moq;

namespace AbParts.Application.UnitTests.Support;

/// <summary>Callers and chat files for the chat use cases.</summary>
public static class ChatFakes
{
    public static Caller User() => new(UserId.New(), OrganizationId.New(), UserRole.User);

    public static Caller Admin() => new(UserId.New(), OrganizationId.New(), UserRole.Admin);

    public static Caller SuperAdmin() => new(UserId.New(), OrganizationId.New(), UserRole.SuperAdmin);

    /// <summary>A request that came with a signed media URL and no bearer token.</summary>
    public static ICurrentUser SignedUrl()
    {
        var current = new Mock<ICurrentUser>();
        current.SetupGet(c => c.Caller).Returns((Caller?)null);
        current.SetupGet(c => c.HasSignedUrl).Returns(true);
        return current.Object;
    }

    /// <summary>A text file of <paramref name="owner"/> whose bytes are nowhere; enough for the rules about who may use it.</summary>
    public static ChatFile File(UserId owner, string name = "notes.txt")
    {
        var (id, key) = ChatFile.NewKey(ChatFileType.Text);
        return ChatFile.Create(id, owner, name, ChatFileType.Text, 10, ContentHash.Of([1, 2, 3]),
            StorageLocation.Create(StorageBackend.Postgres, key), null, Fakes.Now);
    }

    /// <summary>A file of <paramref name="owner"/> whose <paramref name="bytes"/> are saved in <paramref name="store"/>, added to <paramref name="files"/>.</summary>
    public static async Task<ChatFile> StoredFileAsync(InMemoryRepository<ChatFile> files, IMediaStore store, UserId owner,
        ChatFileType type, byte[] bytes, ImageAssetId? thumbnail = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(type);
        var (id, key) = ChatFile.NewKey(type);
        var stored = await store.SaveAsync(key, new MemoryStream(bytes), type.ContentType, CancellationToken.None);
        var file = ChatFile.Create(id, owner, "file" + type.Extensions[0], type, stored.Size, ContentHash.Parse(stored.Sha256),
            StorageLocation.Create(store.Backend, key), thumbnail, Fakes.Now);
        files.Add(file);
        return file;
    }
}

/// <summary>
/// Spools into temporary files (the chat upload reads a small original by its path) and counts the files it
/// handed out and how many of them were disposed, which deletes them.
/// </summary>
public sealed class CountingSpool : IUploadSpool
{
    private int _spooled;
    private int _disposed;

    public int Spooled => _spooled;

    public int Disposed => _disposed;

    /// <summary>Spooled files not disposed yet.</summary>
    public int Open => _spooled - _disposed;

    public async Task<SpooledFile> SpoolAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        if (copy.Length > maxBytes)
        {
            throw new PayloadTooLargeException($"The upload is larger than {maxBytes:N0} bytes, the limit.");
        }

        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"abparts-unit-{Guid.NewGuid():N}.upload");
        var bytes = copy.ToArray();
        await System.IO.File.WriteAllBytesAsync(path, bytes, cancellationToken);
        Interlocked.Increment(ref _spooled);
        return new TemporaryFile(this, path, bytes);
    }

    public int Sweep(DateTimeOffset before) => 0;

    private sealed class TemporaryFile(CountingSpool owner, string path, byte[] bytes) : SpooledFile
    {
        private int _disposed;

        public override string Path => path;

        public override long Length => bytes.Length;

        public override ReadOnlyMemory<byte> Header => bytes.AsMemory(0, Math.Min(ChatFileType.HeaderLength, bytes.Length));

        public override Stream OpenRead() => new MemoryStream(bytes, writable: false);

        public override ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                System.IO.File.Delete(path);
                Interlocked.Increment(ref owner._disposed);
            }

            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>An <see cref="IMediaStore"/> that tells a test each delete, with the key, before passing it on.</summary>
public sealed class DeleteRecordingStore(IMediaStore inner) : IMediaStore
{
    /// <summary>Runs before each delete, with the key: a test's way to note when the bytes were removed.</summary>
    public Action<string>? OnDelete { get; set; }

    public StorageBackend Backend => inner.Backend;

    public Task<StoredMedia> SaveAsync(string key, Stream content, string contentType, CancellationToken cancellationToken) =>
        inner.SaveAsync(key, content, contentType, cancellationToken);

    public Task<MediaContent?> OpenAsync(string key, ByteRange? range, CancellationToken cancellationToken) =>
        inner.OpenAsync(key, range, cancellationToken);

    public Task<StoredMedia?> StatAsync(string key, CancellationToken cancellationToken) => inner.StatAsync(key, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        OnDelete?.Invoke(key);
        return inner.DeleteAsync(key, cancellationToken);
    }

    public IAsyncEnumerable<StoredMedia> ListAsync(string prefix, CancellationToken cancellationToken) =>
        inner.ListAsync(prefix, cancellationToken);
}

/// <summary>Where a <see cref="FailingUnitOfWork"/> fails.</summary>
public enum FailurePoint
{
    Save,
    Commit,
}

/// <summary>
/// A <see cref="CountingUnitOfWork"/> whose save or commit throws <paramref name="failure"/>, as PostgreSQL does
/// for a violated constraint (at the statement, or at commit for a deferred one).
/// </summary>
public sealed class FailingUnitOfWork(CountingUnitOfWork inner, FailurePoint point, Exception failure) : IUnitOfWork
{
    public async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        await inner.SaveChangesAsync(cancellationToken);
        if (point == FailurePoint.Save)
        {
            throw failure;
        }
    }

    public async Task<IUnitOfWorkTransaction?> BeginTransactionAsync(CancellationToken cancellationToken)
    {
        var transaction = await inner.BeginTransactionAsync(cancellationToken);
        return transaction is null || point != FailurePoint.Commit ? transaction : new FailingCommit(transaction, failure);
    }

    private sealed class FailingCommit(IUnitOfWorkTransaction inner, Exception failure) : IUnitOfWorkTransaction
    {
        public Task CommitAsync(CancellationToken cancellationToken) => Task.FromException(failure);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
