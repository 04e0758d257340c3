namespace AbParts.Benchmarks.Soak;

/// <summary>
/// The images every soak user may read (they share one organization): the part gallery setup made, and the profile
/// photos uploaded so far. Half the reads go to each while there are photos, as a catalogue page shows parts and
/// the people who commented on them.
/// </summary>
internal sealed class SharedImages(IReadOnlyList<string> partImages)
{
    private static readonly string[] Sizes = ["", "?size=100", "?size=200", "?size=300"];

    private readonly Lock _lock = new();
    private readonly List<Guid> _photos = [];
    private readonly HashSet<Guid> _known = [];

    public void AddPhoto(Guid user)
    {
        lock (_lock)
        {
            if (_known.Add(user))
            {
                _photos.Add(user);
            }
        }
    }

    /// <summary>A path to GET: an image, full or one of its thumbnails.</summary>
    public string Pick(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        string? photo = null;
        lock (_lock)
        {
            if (_photos.Count > 0 && random.Next(2) == 0)
            {
                photo = SoakApi.ProfilePhoto(_photos[random.Next(_photos.Count)]);
            }
        }

        return (photo ?? partImages[random.Next(partImages.Count)]) + Sizes[random.Next(Sizes.Length)];
    }
}
