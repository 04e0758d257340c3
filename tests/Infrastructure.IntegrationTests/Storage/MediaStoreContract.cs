using System.Security.Cryptography;
using AbParts.Application.Common.Abstractions;

namespace AbParts.Infrastructure.IntegrationTests.Storage;

/// <summary>
/// What every <see cref="IMediaStore"/> adapter must do. Each adapter's test class derives from this
/// and says how to get a store; every round trip is checked byte for byte.
/// </summary>
public abstract class MediaStoreContract
{
    /// <summary>A store to use for one test; disposed afterwards.</summary>
    protected abstract Task<(IMediaStore Store, IAsyncDisposable Lifetime)> StoreAsync();

    /// <summary>The largest object the contract tests write to this adapter.</summary>
    protected virtual int LargeObjectBytes => 3 * 1024 * 1024 + 17;

    protected static string NewKey(string suffix = "bin") => $"contract/{Guid.NewGuid():N}.{suffix}";

    [Fact]
    public async Task SavesFromAStreamAndReadsTheSameBytesBack()
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        var bytes = RandomNumberGenerator.GetBytes(LargeObjectBytes);
        var key = NewKey();

        var saved = await store.SaveAsync(key, new MemoryStream(bytes), "application/octet-stream", CancellationToken.None);
        await using var content = await store.OpenAsync(key, null, CancellationToken.None);

        saved.Size.Should().Be(bytes.Length);
        saved.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        content.Should().NotBeNull();
        (await ReadAllAsync(content!.Stream)).Should().Equal(bytes);
        content.Length.Should().Be(bytes.Length);
        content.Media.ContentType.Should().Be("application/octet-stream");
    }

    [Theory]
    [InlineData(0, 10L)]
    [InlineData(1000, 4096L)]
    [InlineData(5000, null)]
    [InlineData(0, 1L)] // bytes=0-0
    [InlineData(0, 2L)] // bytes=0-1
    [InlineData(9999, 1L)] // the last byte
    [InlineData(9999, null)] // a suffix of 1 (bytes=-1), as the HTTP layer resolves it
    public async Task OpensAByteRange(long offset, long? length)
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        var bytes = RandomNumberGenerator.GetBytes(10_000);
        var key = NewKey();
        await store.SaveAsync(key, new MemoryStream(bytes), "video/mp4", CancellationToken.None);

        await using var content = await store.OpenAsync(key, new ByteRange(offset, length), CancellationToken.None);

        var expected = bytes.AsSpan((int)offset, (int)(length ?? bytes.Length - offset)).ToArray();
        (await ReadAllAsync(content!.Stream)).Should().Equal(expected);
        content.Offset.Should().Be(offset);
        content.Length.Should().Be(expected.Length);
        content.Media.Size.Should().Be(bytes.Length);
    }

    [Fact]
    public async Task StatReportsSizeHashAndTypeWithoutReading()
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        var bytes = RandomNumberGenerator.GetBytes(1234);
        var key = NewKey("webp");
        await store.SaveAsync(key, new MemoryStream(bytes), "image/webp", CancellationToken.None);

        var stat = await store.StatAsync(key, CancellationToken.None);

        stat.Should().NotBeNull();
        stat!.Size.Should().Be(1234);
        stat.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        stat.ContentType.Should().Be("image/webp");
    }

    [Fact]
    public async Task UnknownKeysAreAbsentNotErrors()
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        var key = NewKey();

        (await store.OpenAsync(key, null, CancellationToken.None)).Should().BeNull();
        (await store.StatAsync(key, CancellationToken.None)).Should().BeNull();
        (await store.DeleteAsync(key, CancellationToken.None)).Should().BeFalse();
    }

    [Fact]
    public async Task DeleteRemovesTheObject()
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        var key = NewKey();
        await store.SaveAsync(key, new MemoryStream([1, 2, 3]), "application/octet-stream", CancellationToken.None);

        var deleted = await store.DeleteAsync(key, CancellationToken.None);

        deleted.Should().BeTrue();
        (await store.StatAsync(key, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task ListsTheObjectsUnderAPrefix()
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        var prefix = $"contract/{Guid.NewGuid():N}/";
        foreach (var name in new[] { "b.bin", "a.bin" })
        {
            await store.SaveAsync(prefix + name, new MemoryStream([9]), "application/octet-stream", CancellationToken.None);
        }

        await store.SaveAsync(NewKey(), new MemoryStream([9]), "application/octet-stream", CancellationToken.None);

        var listed = new List<string>();
        await foreach (var media in store.ListAsync(prefix, CancellationToken.None))
        {
            listed.Add(media.Key);
        }

        listed.Should().Equal(prefix + "a.bin", prefix + "b.bin");
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/absolute")]
    [InlineData("Upper/Case")]
    [InlineData("client name.jpg")]
    public async Task RefusesKeysTheServiceWouldNeverMake(string key)
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;

        var saving = () => store.SaveAsync(key, new MemoryStream([1]), "application/octet-stream", CancellationToken.None);

        await saving.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task AStreamThatFailsMidwayLeavesNothingBehind()
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        var key = NewKey();

        var saving = () => store.SaveAsync(key, new FailingStream(RandomNumberGenerator.GetBytes(256 * 1024)),
            "video/mp4", CancellationToken.None);

        await saving.Should().ThrowAsync<IOException>();
        (await store.StatAsync(key, CancellationToken.None)).Should().BeNull();
        var listed = new List<string>();
        await foreach (var media in store.ListAsync("contract/", CancellationToken.None))
        {
            listed.Add(media.Key);
        }

        listed.Should().NotContain(k => k.Contains(Path.GetFileNameWithoutExtension(key), StringComparison.Ordinal));
    }

    /// <summary>Yields some bytes, then fails as a dropped upload would.</summary>
    private sealed class FailingStream(byte[] prefix) : MemoryStream(prefix)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            return read > 0 ? read : throw new IOException("The client went away.");
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("The client went away.");
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
