using Amazon.S3.Model;

namespace AbParts.Infrastructure.Storage.S3;

/// <summary>
/// The body of a <see cref="GetObjectResponse"/>, read straight from the connection and never past
/// <paramref name="length"/> bytes (a server that answers a range with more than was asked cannot put more
/// on the wire than the HTTP layer declared); disposing it disposes the response (and so returns or closes
/// the connection).
/// </summary>
internal sealed class S3ObjectStream(GetObjectResponse response, long length) : Stream
{
    private readonly Stream _body = response.ResponseStream;
    private long _remaining = length;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Counted(_body.Read(buffer[..Allowed(buffer.Length)]));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await _body.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken));

    private int Allowed(int wanted) => (int)Math.Min(wanted, _remaining);

    private int Counted(int read)
    {
        _remaining -= read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            response.Dispose();
        }

        base.Dispose(disposing);
    }
}
