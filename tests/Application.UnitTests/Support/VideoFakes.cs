using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Media;

namespace AbParts.Application.UnitTests.Support;

/// <summary>Spools into memory; the "path" is only handed to the probe, which is faked.</summary>
public sealed class MemorySpool : IUploadSpool
{
    public async Task<SpooledFile> SpoolAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        return copy.Length > maxBytes
            ? throw new PayloadTooLargeException("too large")
            : new Spooled(copy.ToArray());
    }

    public int Sweep(DateTimeOffset before) => 0;

    private sealed class Spooled(byte[] bytes) : SpooledFile
    {
        public override string Path => "/in-memory/upload";

        public override long Length => bytes.Length;

        public override ReadOnlyMemory<byte> Header => bytes.AsMemory(0, Math.Min(64, bytes.Length));

        public override Stream OpenRead() => new MemoryStream(bytes);

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public sealed class Stores(IMediaStore images, IMediaStore videos) : IMediaStores
{
    public IMediaStore Resolve(StorageBackend backend) => backend == StorageBackend.Postgres ? images : videos;
}
