using Amazon.S3.Model;

namespace AbParts.Infrastructure.Storage.S3;

/// <summary>
/// The body of a <see cref="GetObjectResponse"/>, read straight from the connection; disposing it
/// disposes the response (and so returns or closes the connection).
/// </summary>
internal sealed class S3ObjectStream(GetObjectResponse response) : Stream
{
    private readonly Stream _body = response.ResponseStream;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _body.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _body.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _body.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _body.ReadAsync(buffer, cancellationToken);

    public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) =>
        _body.CopyToAsync(destination, bufferSize, cancellationToken);

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
