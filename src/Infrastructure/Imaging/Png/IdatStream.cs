namespace AbParts.Infrastructure.Imaging.Png;

/// <summary>
/// The data of a PNG's consecutive IDAT chunks as one read-only stream (the zlib stream they split), read in
/// place from the file's bytes, for <see cref="System.IO.Compression.ZLibStream"/>.
/// </summary>
/// <remarks>
/// It hands out everything but the last byte, and the last byte only on a read of its own. zlib reports the
/// end of its stream only after reading the Adler-32 that ends it, and .NET's inflater asks for more input
/// only once it has consumed all it was given. So the zlib stream ends exactly at the end of the IDAT data
/// when, and only when, that last byte was asked for (<see cref="Delivered"/> reaches <see cref="Length"/>) and
/// nothing was asked for after it (<see cref="ReadPastEnd"/> stays false). Bytes after the zlib stream, which
/// the inflater would otherwise swallow unseen in its read-ahead, show up as a last byte never asked for.
/// </remarks>
internal sealed class IdatStream : Stream
{
    private readonly ReadOnlyMemory<byte> _file;
    private readonly IReadOnlyList<(int Offset, int Length)> _segments;
    private int _segment;
    private int _inSegment;

    /// <param name="file">The whole PNG.</param>
    /// <param name="segments">Where each IDAT chunk's data lies in <paramref name="file"/>, in order; every range lies inside it.</param>
    public IdatStream(ReadOnlyMemory<byte> file, IReadOnlyList<(int Offset, int Length)> segments)
    {
        _file = file;
        _segments = segments;
        Length = segments.Sum(s => (long)s.Length);
    }

    /// <summary>How many bytes were handed out so far.</summary>
    public long Delivered { get; private set; }

    /// <summary>Whether a read came after the last byte was handed out: the zlib stream wanted more than there is.</summary>
    public bool ReadPastEnd { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => Delivered;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var remaining = Length - Delivered;
        if (remaining == 0)
        {
            ReadPastEnd = true;
            return 0;
        }

        // all but the last byte, then the last byte alone
        var wanted = (int)Math.Min(buffer.Length, remaining > 1 ? remaining - 1 : 1);
        var copied = 0;
        while (copied < wanted)
        {
            var (offset, length) = _segments[_segment];
            var n = Math.Min(wanted - copied, length - _inSegment);
            _file.Span.Slice(offset + _inSegment, n).CopyTo(buffer[copied..]);
            copied += n;
            _inSegment += n;
            if (_inSegment == length)
            {
                _segment++;
                _inSegment = 0;
            }
        }

        Delivered += copied;
        return copied;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
