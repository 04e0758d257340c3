namespace AbParts.Benchmarks.Soak;

internal enum RequestKind
{
    ImageGet,
    ImageGetIfNoneMatch,
    VideoRange,
    ChatDownload,
    ChatNoteUpload,
    ChatPhotoUpload,
    ImageUpload,
}

/// <summary>
/// What a simulated user does: again and again, one request of a kind drawn by weight, then a pause to look at the
/// answer. Reads dominate, as in the parts catalogue and chat they serve. Photographs are rare, because each costs an
/// image worker 100–300 ms of CPU: with these weights 200 users send about 2.7 a second, a quarter of what the two
/// workers of a quiet 2-core machine can process, so the soak measures a busy service and not a refusal of service
/// (beyond <c>Images:QueueLength</c> waiting uploads the service answers 503).
/// </summary>
internal static class RequestMix
{
    /// <summary>The mean of the exponential pause between two requests of one user.</summary>
    public static readonly TimeSpan MeanThinkTime = TimeSpan.FromMilliseconds(500);

    /// <summary>No pause is longer, so every user keeps coming back within the run.</summary>
    public static readonly TimeSpan MaxThinkTime = TimeSpan.FromSeconds(5);

    /// <summary>Weights per thousand requests, with what each kind does.</summary>
    public static readonly IReadOnlyList<(RequestKind Kind, int PerMille, string What)> Kinds =
    [
        (RequestKind.ImageGet, 450, "a part image or a colleague's profile photo, full or a 100/200/300 px thumbnail (bearer)"),
        (RequestKind.ImageGetIfNoneMatch, 250, "an image this user fetched before, with its ETag in If-None-Match (304 unless replaced)"),
        (RequestKind.VideoRange, 180, "64 KB–1 MB at a random offset of the support video (Range → 206)"),
        (RequestKind.ChatDownload, 100, "one of the user's own chat files, ?download=true"),
        (RequestKind.ChatNoteUpload, 13, "a chat file: a text note of 1 KB–1.5 MB (stored as sent)"),
        (RequestKind.ChatPhotoUpload, 3, "a chat file: one of the photographs (stored as sent; thumbnails from an image worker)"),
        (RequestKind.ImageUpload, 4, "a new profile photo: a 2560x1600 or 5120x2880 photograph, JPEG or PNG (an image worker)"),
    ];

    public static string Name(RequestKind kind) => kind switch
    {
        RequestKind.ImageGet => "image GET",
        RequestKind.ImageGetIfNoneMatch => "image GET, If-None-Match",
        RequestKind.VideoRange => "video range",
        RequestKind.ChatDownload => "chat file download",
        RequestKind.ChatNoteUpload => "chat note upload",
        RequestKind.ChatPhotoUpload => "chat photo upload",
        RequestKind.ImageUpload => "image upload",
        _ => kind.ToString(),
    };

    public static RequestKind Pick(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var roll = random.Next(Kinds.Sum(k => k.PerMille));
        foreach (var (kind, perMille, _) in Kinds)
        {
            if (roll < perMille)
            {
                return kind;
            }

            roll -= perMille;
        }

        throw new InvalidOperationException("The weights do not cover the roll.");
    }

    public static TimeSpan ThinkTime(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var pause = -Math.Log(1 - random.NextDouble()) * MeanThinkTime.TotalMilliseconds;
        return TimeSpan.FromMilliseconds(Math.Min(pause, MaxThinkTime.TotalMilliseconds));
    }

    /// <summary>Users arrive over two mean pauses rather than all in the first millisecond.</summary>
    public static TimeSpan Arrival(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.NextDouble() * 2 * MeanThinkTime;
    }
}
