using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Web;
using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Storage.S3;
using Amazon.S3.Model;
using ByteRange = AbParts.Application.Common.Abstractions.ByteRange;

namespace AbParts.Infrastructure.IntegrationTests.Storage;

/// <summary>
/// The contract and the S3-only behaviour, against s3rver 3.7.1. Two things s3rver cannot show, so these
/// tests check what the store sends instead: it implements neither AbortMultipartUpload (405) nor
/// ListMultipartUploads (501), so an abandoned upload is proven by the abort request the store sends;
/// and it does not verify SigV4 signatures ("Signature version 4 calculation is unimplemented"), so a
/// tampered URL is refused here only when the tampering touches what s3rver does check: the access key
/// and the signing time (expiry).
/// </summary>
public sealed class S3MediaStoreTests(S3BucketFixture fixture) : MediaStoreContract, IClassFixture<S3BucketFixture>
{
    private const int Megabyte = 1024 * 1024;

    /// <summary>Three parts (8 + 8 + 4 MB and 17 bytes): the multipart path runs.</summary>
    protected override int LargeObjectBytes => 20 * Megabyte + 17;

    protected override Task<(IMediaStore Store, IAsyncDisposable Lifetime)> StoreAsync() =>
        Task.FromResult<(IMediaStore, IAsyncDisposable)>((fixture.CreateStore(), NoLifetime.Instance));

    [Fact]
    public async Task AMultipartUploadRoundTripsByteForByteWithItsHashInTheMetadata()
    {
        var store = fixture.CreateStore();
        var bytes = RandomNumberGenerator.GetBytes(LargeObjectBytes);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var key = NewKey("mp4");

        await store.SaveAsync(key, new MemoryStream(bytes), "video/mp4", CancellationToken.None);

        CallsFor(key).Count(c => c.Method == HttpMethod.Put && Query(c)["partNumber"] is not null).Should().Be(3);
        var head = await fixture.Client.GetObjectMetadataAsync(fixture.Options.Bucket, key);
        head.Metadata["x-amz-meta-sha256"].Should().Be(sha256);
        var stat = await store.StatAsync(key, CancellationToken.None);
        stat!.Size.Should().Be(bytes.Length);
        stat.Sha256.Should().Be(sha256);
        stat.ContentType.Should().Be("video/mp4");
        await using var content = await store.OpenAsync(key, null, CancellationToken.None);
        (await ReadAllAsync(content!.Stream)).Should().Equal(bytes);
    }

    [Fact]
    public async Task SavesFromANonSeekableStreamThatYieldsSmallReads()
    {
        var store = fixture.CreateStore();
        var bytes = RandomNumberGenerator.GetBytes(9 * Megabyte + 3);
        var key = NewKey();

        var saved = await store.SaveAsync(key, new TrickleStream(bytes, 100_003), "application/octet-stream", CancellationToken.None);

        saved.Size.Should().Be(bytes.Length);
        saved.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        await using var content = await store.OpenAsync(key, null, CancellationToken.None);
        (await ReadAllAsync(content!.Stream)).Should().Equal(bytes);
    }

    [Fact]
    public async Task ARangeAcrossAPartBoundaryReadsTheRightBytes()
    {
        var store = fixture.CreateStore();
        var bytes = RandomNumberGenerator.GetBytes(17 * Megabyte);
        var key = NewKey();
        await store.SaveAsync(key, new MemoryStream(bytes), "video/mp4", CancellationToken.None);
        var offset = (long)S3MediaStore.PartBytes - 1000;

        await using var content = await store.OpenAsync(key, new ByteRange(offset, 5000), CancellationToken.None);

        content!.Offset.Should().Be(offset);
        content.Length.Should().Be(5000);
        (await ReadAllAsync(content.Stream)).Should().Equal(bytes.AsSpan((int)offset, 5000).ToArray());
    }

    [Fact]
    public async Task ARangeFromTheEndOnwardsIsEmpty()
    {
        var store = fixture.CreateStore();
        var key = NewKey();
        await store.SaveAsync(key, new MemoryStream(new byte[100]), "video/mp4", CancellationToken.None);

        await using var content = await store.OpenAsync(key, new ByteRange(100, null), CancellationToken.None);

        content!.Length.Should().Be(0);
        content.Offset.Should().Be(100);
        content.Media.Size.Should().Be(100);
        (await ReadAllAsync(content.Stream)).Should().BeEmpty();
    }

    [Fact]
    public async Task AnUploadCancelledMidwayLeavesNoObjectAndAbortsItsMultipartUpload()
    {
        var store = fixture.CreateStore();
        var key = NewKey("mp4");
        using var cancellation = new CancellationTokenSource();
        var body = new CancellingStream(RandomNumberGenerator.GetBytes(20 * Megabyte), 12 * Megabyte, cancellation);

        var saving = () => store.SaveAsync(key, body, "video/mp4", cancellation.Token);

        await saving.Should().ThrowAsync<OperationCanceledException>();
        await ShouldHaveAbortedItsUploadAsync(store, key);
    }

    [Fact]
    public async Task AStreamThatFailsDuringAMultipartUploadLeavesNoObjectAndAbortsIt()
    {
        var store = fixture.CreateStore();
        var key = NewKey("mp4");

        var saving = () => store.SaveAsync(key, new FailingStream(RandomNumberGenerator.GetBytes(10 * Megabyte)),
            "video/mp4", CancellationToken.None);

        await saving.Should().ThrowAsync<IOException>();
        await ShouldHaveAbortedItsUploadAsync(store, key);
    }

    [Fact]
    public async Task AKeyIsWrittenOnce()
    {
        var store = fixture.CreateStore();
        var key = NewKey();
        await store.SaveAsync(key, new MemoryStream([1, 2, 3]), "application/octet-stream", CancellationToken.None);

        var saving = () => store.SaveAsync(key, new MemoryStream([4, 5]), "application/octet-stream", CancellationToken.None);

        await saving.Should().ThrowAsync<InvalidOperationException>();
        await using var content = await store.OpenAsync(key, null, CancellationToken.None);
        (await ReadAllAsync(content!.Stream)).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task APresignedUrlServesTheExactBytesWithoutCredentials()
    {
        var store = fixture.CreateStore();
        var bytes = RandomNumberGenerator.GetBytes(3 * Megabyte + 5);
        var key = NewKey("mp4");
        await store.SaveAsync(key, new MemoryStream(bytes), "video/mp4", CancellationToken.None);
        using var http = new HttpClient();

        var url = store.GetPresignedReadUrl(key, TimeSpan.FromMinutes(5));
        using var response = await http.GetAsync(url);

        url.Query.Should().Contain("X-Amz-Signature=");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
        response.Content.Headers.ContentType!.MediaType.Should().Be("video/mp4");
    }

    [Theory]
    [InlineData("X-Amz-Credential")]
    [InlineData("X-Amz-Date")]
    public async Task ATamperedPresignedUrlIsRefused(string parameter)
    {
        var store = fixture.CreateStore();
        var key = NewKey();
        await store.SaveAsync(key, new MemoryStream([1, 2, 3]), "application/octet-stream", CancellationToken.None);
        var url = store.GetPresignedReadUrl(key, TimeSpan.FromMinutes(5));
        var query = HttpUtility.ParseQueryString(url.Query);
        query[parameter] = parameter == "X-Amz-Credential"
            ? "SOMEONEELSE" + query[parameter]![query[parameter]!.IndexOf('/', StringComparison.Ordinal)..]
            : DateTime.UtcNow.AddDays(-1).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var tampered = new UriBuilder(url) { Query = query.ToString() }.Uri;
        using var http = new HttpClient();

        using var response = await http.GetAsync(tampered);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnExpiredPresignedUrlIsRefused()
    {
        var store = fixture.CreateStore();
        var key = NewKey();
        await store.SaveAsync(key, new MemoryStream([1, 2, 3]), "application/octet-stream", CancellationToken.None);
        var url = store.GetPresignedReadUrl(key, TimeSpan.FromSeconds(1));
        using var http = new HttpClient();

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        using var response = await http.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8 * 24 * 3600)]
    public void PresignedUrlsLiveMoreThanZeroSecondsAndAtMostAWeek(int seconds)
    {
        var store = fixture.CreateStore();

        var signing = () => store.GetPresignedReadUrl(NewKey(), TimeSpan.FromSeconds(seconds));

        signing.Should().Throw<ArgumentOutOfRangeException>();
    }

    /// <summary>No object, and the multipart upload the store started was aborted (the request was sent).</summary>
    private async Task ShouldHaveAbortedItsUploadAsync(S3MediaStore store, string key)
    {
        (await store.StatAsync(key, CancellationToken.None)).Should().BeNull();
        var listed = await fixture.Client.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = fixture.Options.Bucket,
            Prefix = key,
        });
        (listed.S3Objects ?? []).Should().BeEmpty();
        var calls = CallsFor(key);
        calls.Should().Contain(c => c.Method == HttpMethod.Post && c.Uri.Query == "?uploads",
            "the failure must come after the multipart upload started");
        var uploadIds = calls.Where(c => c.Method == HttpMethod.Put).Select(c => Query(c)["uploadId"]).Distinct().ToList();
        uploadIds.Should().ContainSingle().Which.Should().NotBeNullOrEmpty();
        calls.Should().Contain(c => c.Method == HttpMethod.Delete && Query(c)["uploadId"] == uploadIds[0]);
        calls.Should().NotContain(c => c.Method == HttpMethod.Post && Query(c)["uploadId"] != null,
            "the upload must never be completed");
    }

    private List<S3Call> CallsFor(string key) =>
        fixture.Calls.Where(c => Uri.UnescapeDataString(c.Uri.AbsolutePath).EndsWith("/" + key, StringComparison.Ordinal)).ToList();

    private static System.Collections.Specialized.NameValueCollection Query(S3Call call) => HttpUtility.ParseQueryString(call.Uri.Query);

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private sealed class NoLifetime : IAsyncDisposable
    {
        public static readonly NoLifetime Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Cancels <paramref name="cancellation"/> once <paramref name="cancelAt"/> bytes have been read, as a client that goes away.</summary>
    private sealed class CancellingStream(byte[] bytes, long cancelAt, CancellationTokenSource cancellation)
        : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (Position >= cancelAt)
            {
                await cancellation.CancelAsync();
            }

            return read;
        }
    }

    /// <summary>A request body as it arrives: forward only, a few bytes per read.</summary>
    private sealed class TrickleStream(byte[] bytes, int maxRead) : Stream
    {
        private int _position;

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

        public override int Read(Span<byte> buffer)
        {
            var read = Math.Min(Math.Min(buffer.Length, maxRead), bytes.Length - _position);
            bytes.AsSpan(_position, read).CopyTo(buffer);
            _position += read;
            return read;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Yields some bytes, then fails as a dropped upload would.</summary>
    private sealed class FailingStream(byte[] prefix) : MemoryStream(prefix)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("The client went away.");
        }
    }
}
