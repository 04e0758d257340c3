using AbParts.Application.Videos;

namespace AbParts.WebApi.Endpoints;

/// <summary>
/// Video lookups (<see cref="VideoPlayback"/>: the row's facts and where the bytes are), kept for
/// <c>Videos:LookupCacheSeconds</c> (default 10) so a player's stream of range requests costs one database
/// query, not one each. Deleting a video on this instance voids its entry at once, including the answer of
/// a lookup that was still running when the video was deleted. Another instance keeps its lookup until the
/// lifetime ends, but a request there finds no bytes, drops the lookup and answers 404.
/// </summary>
public sealed class VideoPlaybackCache(IConfiguration configuration) : GuardedCache<VideoPlayback>(MaxVideos, Lifetime(configuration))
{
    /// <summary>Most videos kept at once.</summary>
    public const int MaxVideos = 10_000;

    private static TimeSpan Lifetime(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue("Videos:LookupCacheSeconds", 10)));
    }
}
