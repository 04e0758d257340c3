using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using Microsoft.Extensions.Configuration;

namespace AbParts.Infrastructure.Storage;

/// <summary>
/// Spools uploads to <c>$ABPARTS_DATA_DIR/uploads</c> in 128 KB chunks, so memory use does not grow with
/// the upload's size. A file is deleted when its <see cref="SpooledFile"/> is disposed; the folder is
/// where the orphan sweep looks for leftovers of a crash: its own files, and the multipart bodies ASP.NET Core
/// buffers there (<see cref="FolderOf"/>). An upload that does not fit on the disk is removed at once and refused with
/// <see cref="InsufficientStorageException"/>.
/// </summary>
public sealed class FileUploadSpool(IConfiguration configuration) : IUploadSpool
{
    /// <summary>ASP.NET Core's names for the request bodies it buffers on disk (<c>ASPNETCORE_{guid}.tmp</c>).</summary>
    private const string BufferedBodies = "ASPNETCORE_*.tmp";

    private const int ChunkBytes = 128 * 1024;
    private const int HeaderBytes = 8192;

    public string Folder { get; } = FolderOf(configuration);

    /// <summary>
    /// <c>$ABPARTS_DATA_DIR/uploads</c>. The service also has ASP.NET Core buffer multipart bodies there (through
    /// <c>ASPNETCORE_TEMP</c>) before an endpoint reads them, so what a killed process leaves half-received is swept too.
    /// </summary>
    public static string FolderOf(IConfiguration configuration) => Path.Combine(DataDirectory.Resolve(configuration), "uploads");

    public async Task<SpooledFile> SpoolAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, $"{Guid.NewGuid():N}.upload");
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long length = 0;
            var header = new byte[HeaderBytes];
            var headerLength = 0;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0,
                             FileOptions.Asynchronous))
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
                {
                    if (length + read > maxBytes)
                    {
                        throw new PayloadTooLargeException($"The upload is larger than {maxBytes:N0} bytes, the limit.");
                    }

                    var take = Math.Min(read, HeaderBytes - headerLength);
                    buffer.AsSpan(0, take).CopyTo(header.AsSpan(headerLength));
                    headerLength += take;
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    length += read;
                }
            }

            return new Spooled(path, length, header.AsMemory(0, headerLength));
        }
        catch (Exception exception)
        {
            File.Delete(path);
            if (DiskErrors.Translate(exception) is { } full)
            {
                throw full;
            }

            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public int Sweep(DateTimeOffset before)
    {
        if (!Directory.Exists(Folder))
        {
            return 0;
        }

        var stale = Directory.EnumerateFiles(Folder, "*.upload").Concat(Directory.EnumerateFiles(Folder, BufferedBodies))
            .Where(f => File.GetLastWriteTimeUtc(f) < before.UtcDateTime).ToList();
        foreach (var file in stale)
        {
            File.Delete(file);
        }

        return stale.Count;
    }

    private sealed class Spooled(string path, long length, ReadOnlyMemory<byte> header) : SpooledFile
    {
        public override string Path => path;

        public override long Length => length;

        public override ReadOnlyMemory<byte> Header => header;

        public override Stream OpenRead() =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 128 * 1024,
                FileOptions.Asynchronous | FileOptions.SequentialScan);

        public override ValueTask DisposeAsync()
        {
            File.Delete(path);
            return ValueTask.CompletedTask;
        }
    }
}
