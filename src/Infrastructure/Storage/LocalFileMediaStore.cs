using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Media;
using Microsoft.Win32.SafeHandles;
using Microsoft.Extensions.Options;

namespace AbParts.Infrastructure.Storage;

/// <summary><c>Storage:Videos:Local</c>: where the local video store keeps its files.</summary>
public sealed class LocalStorageOptions
{
    public const string SectionName = "Storage:Videos:Local";

    /// <summary>The folder of the store; default <c>$ABPARTS_DATA_DIR/media</c>.</summary>
    public string Root { get; set; } = string.Empty;
}

/// <summary>
/// Media as files under <see cref="LocalStorageOptions.Root"/>, one per key, with a <c>.meta</c> file
/// beside it holding the SHA-256, content type and creation time. A file is written under a hidden
/// temporary name in the same folder, flushed to disk, then renamed, so a crash never leaves a partial
/// file under a real key; temporary files are never listed. A write that fails, a full disk included
/// (<see cref="InsufficientStorageException"/>), removes what it wrote.
/// </summary>
internal sealed class LocalFileMediaStore(IOptions<LocalStorageOptions> options, TimeProvider time) : IMediaStore
{
    private const string MetaSuffix = ".meta";
    private const string TemporarySuffix = ".partial";
    private const int BufferSize = 128 * 1024;

    private readonly string _root = Path.GetFullPath(options.Value.Root);

    public StorageBackend Backend => StorageBackend.Local;

    public async Task<StoredMedia> SaveAsync(string key, Stream content, string contentType,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        if (File.Exists(path))
        {
            throw new IOException($"The key '{key}' exists already; keys are written once.");
        }

        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            var (size, sha256) = await WriteAsync(temporary, content, cancellationToken);
            var media = new StoredMedia(key, size, sha256, contentType, time.GetUtcNow());
            await WriteMetaAsync(path + MetaSuffix, media, cancellationToken);
            File.Move(temporary, path, overwrite: false);
            return media;
        }
        catch (Exception exception)
        {
            File.Delete(temporary);
            if (!File.Exists(path))
            {
                File.Delete(path + MetaSuffix);
            }

            if (DiskErrors.Translate(exception) is { } full)
            {
                throw full;
            }

            throw;
        }
    }

    public Task<MediaContent?> OpenAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<MediaContent?>(null);
        }

        try
        {
            // The size comes from the open handle, not another lookup of the path.
            var media = ReadMeta(key, path, RandomAccess.GetLength(file));
            if (media is null)
            {
                file.Dispose();
                return Task.FromResult<MediaContent?>(null);
            }

            var offset = Math.Min(range?.Offset ?? 0, media.Size);
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            var length = Math.Min(range?.Length ?? media.Size - offset, media.Size - offset);
            return Task.FromResult<MediaContent?>(new MediaContent(new FileRangeStream(file, offset, length), media, offset, length));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public Task<StoredMedia?> StatAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var file = new FileInfo(path);
        return Task.FromResult(file.Exists ? ReadMeta(key, path, file.Length) : null);
    }

    /// <summary>The key's facts from its <c>.meta</c> file (a few hundred bytes, read at once); null without one.</summary>
    private static StoredMedia? ReadMeta(string key, string path, long size)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path + MetaSuffix);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var stored = JsonSerializer.Deserialize<Meta>(json)
                     ?? throw new InvalidDataException($"The metadata of '{key}' is empty.");
        return new StoredMedia(key, size, stored.Sha256, stored.ContentType, stored.CreatedAt);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var existed = File.Exists(path);
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            File.Delete(path);
            File.Delete(path + MetaSuffix);
        }

        return Task.FromResult(existed);
    }

    public async IAsyncEnumerable<StoredMedia> ListAsync(string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            yield break;
        }

        var keys = Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(MetaSuffix, StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith('.'))
            .Select(f => Path.GetRelativePath(_root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && StorageLocation.IsValidKey(k))
            .Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (await StatAsync(key, cancellationToken) is { } media)
            {
                yield return media;
            }
        }
    }

    /// <summary>The file of a key, refusing anything that is not a service-made key inside the root.</summary>
    private string PathOf(string key)
    {
        if (!StorageLocation.IsValidKey(key))
        {
            throw new ArgumentException($"'{key}' is not a valid storage key.", nameof(key));
        }

        var path = Path.GetFullPath(Path.Combine(_root, key));
        return path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"'{key}' leaves the store's folder.", nameof(key));
    }

    private static async Task<(long Size, string Sha256)> WriteAsync(string path, Stream content,
        CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Options = FileOptions.Asynchronous,
            BufferSize = 0, // we write whole chunks ourselves
        });
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long size = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }

            file.Flush(flushToDisk: true);
            return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task WriteMetaAsync(string path, StoredMedia media, CancellationToken cancellationToken)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}{TemporarySuffix}";
        try
        {
            await File.WriteAllBytesAsync(temporary,
                JsonSerializer.SerializeToUtf8Bytes(new Meta(media.Sha256, media.ContentType, media.CreatedAt)), cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary); // a disk that held the content may have no room left for these few bytes
            throw;
        }
    }

    private sealed record Meta(string Sha256, string ContentType, DateTimeOffset CreatedAt);
}
