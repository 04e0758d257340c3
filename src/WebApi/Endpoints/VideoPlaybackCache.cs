using AbParts.Application.Videos;
using Microsoft.Extensions.Caching.Memory;

namespace AbParts.WebApi.Endpoints;

/// <summary>
/// Video lookups (<see cref="VideoPlayback"/>: the row's facts and where the bytes are), kept for
/// <c>Videos:LookupCacheSeconds</c> (default 10) so a player's stream of range requests costs one database
/// query, not one each. Deleting a video on this instance voids its entry at once, including the answer of
/// a lookup that was still running when the video was deleted. Another instance keeps its lookup until the
/// lifetime ends, but a request there finds no bytes, drops the lookup and answers 404.
/// </summary>
public sealed class VideoPlaybackCache : IDisposable
{
    /// <summary>Most videos kept at once.</summary>
    public const int MaxVideos = 10_000;

    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = MaxVideos });
    private readonly Generations _generations = new();
    private readonly TimeSpan _lifetime;

    public VideoPlaybackCache(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _lifetime = TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue("Videos:LookupCacheSeconds", 10)));
    }

    /// <summary>The cached lookup of the video, else <paramref name="lookup"/>'s answer, kept for next time.</summary>
    public async Task<VideoPlayback> GetAsync(Guid id, Func<Task<VideoPlayback>> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (_lifetime <= TimeSpan.Zero)
        {
            return await lookup();
        }

        if (_entries.TryGetValue(id, out Entry? entry) && entry is not null && _generations.IsCurrent(id, entry.Generation))
        {
            return entry.Playback;
        }

        var ticket = _generations.Ticket(id);
        var playback = await lookup();
        if (_generations.IsCurrent(id, ticket))
        {
            _entries.Set(id, new Entry(playback, ticket), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _lifetime });
        }

        return playback;
    }

    /// <summary>Voids the video's lookup (after it was deleted).</summary>
    public void Evict(Guid id) => _generations.Advance(id);

    public void Dispose() => _entries.Dispose();

    private sealed record Entry(VideoPlayback Playback, long Generation);
}
