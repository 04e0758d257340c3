using AbParts.Application.Common.Abstractions;
using AbParts.Application.Videos;
using AbParts.Domain.Media;
using AbParts.WebApi.Endpoints;
using Microsoft.Extensions.Configuration;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>The cache of video lookups on its own: one lookup per video, none that outlives a deletion.</summary>
public sealed class VideoPlaybackCacheTests : IDisposable
{
    private static readonly Guid VideoId = Guid.Parse("0195f3c4-3333-7000-8000-000000000003");

    private readonly VideoPlaybackCache _cache = Create(seconds: 60);
    private int _lookups;

    [Fact]
    public async Task AVideoIsLookedUpOnceWhileItsEntryLives()
    {
        var first = await _cache.GetAsync(VideoId, LookupAsync);
        var second = await _cache.GetAsync(VideoId, LookupAsync);

        second.Should().BeSameAs(first);
        _lookups.Should().Be(1);
    }

    [Fact]
    public async Task ADeletedVideoIsLookedUpAgain()
    {
        await _cache.GetAsync(VideoId, LookupAsync);

        _cache.Evict(VideoId);
        await _cache.GetAsync(VideoId, LookupAsync);

        _lookups.Should().Be(2);
    }

    [Fact]
    public async Task ALookupThatOverlappedTheDeletionIsNotKept()
    {
        await _cache.GetAsync(VideoId, async () =>
        {
            var playback = await LookupAsync();
            _cache.Evict(VideoId); // the video is deleted while the lookup runs
            return playback;
        });

        await _cache.GetAsync(VideoId, LookupAsync);

        _lookups.Should().Be(2);
    }

    [Fact]
    public async Task ALifetimeOfZeroLooksUpEveryTime()
    {
        using var off = Create(seconds: 0);

        await off.GetAsync(VideoId, LookupAsync);
        await off.GetAsync(VideoId, LookupAsync);

        _lookups.Should().Be(2);
    }

    public void Dispose() => _cache.Dispose();

    private Task<VideoPlayback> LookupAsync()
    {
        _lookups++;
        var video = new VideoDto(VideoId, "Title", null, "maintenance", null, null, 10, "video/mp4", 1, 640, 360,
            new string('a', 64), HasPoster: false, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        return Task.FromResult(new VideoPlayback(video, null, new NeverOpenedStore(), "videos/key.mp4"));
    }

    /// <summary>The cache never opens a video's bytes; any call here would be a bug.</summary>
    private sealed class NeverOpenedStore : IMediaStore
    {
        public StorageBackend Backend => StorageBackend.Local;

        public Task<StoredMedia> SaveAsync(string key, Stream content, string contentType, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not used");

        public Task<MediaContent?> OpenAsync(string key, ByteRange? range, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not used");

        public Task<StoredMedia?> StatAsync(string key, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not used");

        public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not used");

        public IAsyncEnumerable<StoredMedia> ListAsync(string prefix, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not used");
    }

    private static VideoPlaybackCache Create(int seconds) => new(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Videos:LookupCacheSeconds"] = $"{seconds}" })
        .Build());
}
