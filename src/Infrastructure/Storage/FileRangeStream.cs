using Microsoft.Win32.SafeHandles;

namespace AbParts.Infrastructure.Storage;

/// <summary>
/// Reads a span of a file by offset (<c>pread</c>), without a position to seek or a buffer of its own, and
/// closes the file when disposed. Reads complete inline, asynchronous ones too: on Linux .NET performs an
/// "asynchronous" file read as the same <c>pread</c> on a thread-pool thread, so reading here does the same
/// work without handing each chunk of a video to another thread and back (ADR 0035).
/// </summary>
internal sealed class FileRangeStream(SafeFileHandle file, long start, long length) : Stream
{
    private readonly long _start = start;
    private readonly long _end = start + length;
    private long _position = start;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position - _start;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, _end - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        var read = RandomAccess.Read(file, buffer[..wanted], _position);
        _position += read;
        return read;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }
}
