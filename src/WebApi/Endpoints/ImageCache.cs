using AbParts.Application.Images;
using Microsoft.Extensions.Caching.Memory;

namespace AbParts.WebApi.Endpoints;

/// <summary>A served image held in memory: its bytes, what the response headers need, and who may read it.</summary>
public sealed record CachedImage(byte[] Bytes, string Version, string ContentType, DateTimeOffset LastModified, bool IsThumbnail,
    ImageAccess Access);

/// <summary>
/// Recently served images (renditions of <see cref="ImageTarget"/>s), kept in memory for
/// <c>Images:ResponseCacheSeconds</c> (default 10) within <c>Images:ResponseCacheMegabytes</c> (default 64),
/// so a hot image is answered without PostgreSQL. Entries are keyed by what is served (target and size), not
/// by URL, so every signed URL and bearer request for one image shares an entry. Each entry keeps the
/// application's <see cref="ImageAccess"/> (who may read the image, which version pins it), and a hit is
/// served only when <see cref="ImageAccess.Allows"/> admits the request, as the application would have.
/// </summary>
/// <remarks>
/// Consistency: a change on this instance (upload, removal, reorder, video or chat file deletion) calls an <c>Evict…</c> method,
/// which moves the owner's <see cref="Generations">generation</see> on; an entry answers only while the
/// generation it was stored under is current, so the owner's renditions are gone at once. A read that
/// started before the change and finishes after it cannot bring its stale answer back: <see cref="Set"/>
/// stores under the <see cref="Ticket"/> drawn before the read. Other instances see a change within the lifetime.
/// </remarks>
public sealed class ImageCache : IDisposable
{
    /// <summary>Bookkeeping counted per entry on top of its bytes (key, record, cache entry).</summary>
    private const int EntryOverheadBytes = 256;

    private readonly MemoryCache _entries;
    private readonly Generations _generations = new();
    private readonly TimeSpan _lifetime;

    public ImageCache(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _lifetime = TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue("Images:ResponseCacheSeconds", 10)));
        _entries = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = Math.Max(1, configuration.GetValue("Images:ResponseCacheMegabytes", 64L)) * 1024 * 1024,
        });
    }

    public bool Enabled => _lifetime > TimeSpan.Zero;

    public bool TryGet(ImageTarget target, int? size, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CachedImage? image)
    {
        ArgumentNullException.ThrowIfNull(target);
        image = null;
        if (!Enabled || !_entries.TryGetValue(new Key(target, size), out Entry? entry) || entry is null)
        {
            return false;
        }

        if (!_generations.IsCurrent(Owner.Of(target), entry.Generation))
        {
            _entries.Remove(new Key(target, size));
            return false;
        }

        image = entry.Image;
        return true;
    }

    /// <summary>The owner's current generation: draw it before reading what <see cref="Set"/> will store.</summary>
    public long Ticket(ImageTarget target) => _generations.Ticket(Owner.Of(target));

    /// <summary>Stores <paramref name="image"/> under the generation <paramref name="ticket"/>; it answers only while no change of the owner follows.</summary>
    public void Set(ImageTarget target, int? size, CachedImage image, long ticket)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(image);
        if (!Enabled || !_generations.IsCurrent(Owner.Of(target), ticket))
        {
            return;
        }

        _entries.Set(new Key(target, size), new Entry(image, ticket), new MemoryCacheEntryOptions
        {
            Size = image.Bytes.Length + EntryOverheadBytes,
            AbsoluteExpirationRelativeToNow = _lifetime,
        });
    }

    /// <summary>Voids the user's cached profile photo (every size).</summary>
    public void EvictUser(Guid userId) => Evict(new Owner('u', userId));

    /// <summary>Voids the organization's cached logo (every size).</summary>
    public void EvictOrganization(Guid organizationId) => Evict(new Owner('o', organizationId));

    /// <summary>Voids every cached image of the part: indexes move when one is added, removed or reordered.</summary>
    public void EvictPart(Guid partId) => Evict(new Owner('p', partId));

    /// <summary>Voids the video's cached poster.</summary>
    public void EvictVideo(Guid videoId) => Evict(new Owner('v', videoId));

    /// <summary>Voids the chat file's cached thumbnails.</summary>
    public void EvictChatFile(Guid fileId) => Evict(new Owner('f', fileId));

    private void Evict(Owner owner) => _generations.Advance(owner);

    public void Dispose() => _entries.Dispose();

    private readonly record struct Key(ImageTarget Target, int? Size);

    private sealed record Entry(CachedImage Image, long Generation);

    /// <summary>Whose change invalidates a target: a part's images move together when one is added, removed or reordered.</summary>
    private readonly record struct Owner(char Kind, Guid Id)
    {
        public static Owner Of(ImageTarget target) => target switch
        {
            ImageTarget.UserProfile(var id) => new('u', id),
            ImageTarget.OrganizationLogo(var id) => new('o', id),
            ImageTarget.PartImage(var id, _) => new('p', id),
            ImageTarget.VideoPoster(var id) => new('v', id),
            ImageTarget.ChatFileThumbnail(var id) => new('f', id),
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown image target."),
        };
    }
}
