using Microsoft.Extensions.Caching.Memory;

namespace AbParts.WebApi.Endpoints;

/// <summary>
/// Answers looked up by id, kept in memory for a fixed lifetime. <see cref="Evict"/> voids an id's entry at once,
/// including the answer of a lookup that was still running when the change it reports was made: a lookup
/// stores its answer only under the <see cref="Generations">generation</see> it drew before it started.
/// </summary>
public abstract class GuardedCache<TValue> : IDisposable
{
    private readonly MemoryCache _entries;
    private readonly Generations _generations = new();
    private readonly TimeSpan _lifetime;

    /// <param name="maxEntries">Most ids kept at once.</param>
    /// <param name="lifetime">How long an answer is kept; zero or less looks up every time.</param>
    protected GuardedCache(int maxEntries, TimeSpan lifetime)
    {
        _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries });
        _lifetime = lifetime;
    }

    /// <summary>The cached answer for <paramref name="id"/>, else <paramref name="lookup"/>'s, kept for next time.</summary>
    public async Task<TValue> GetAsync(Guid id, Func<Task<TValue>> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (_lifetime <= TimeSpan.Zero)
        {
            return await lookup();
        }

        if (_entries.TryGetValue(id, out Entry? entry) && entry is not null && _generations.IsCurrent(id, entry.Generation))
        {
            return entry.Value;
        }

        var ticket = _generations.Ticket(id);
        var value = await lookup();
        if (_generations.IsCurrent(id, ticket))
        {
            _entries.Set(id, new Entry(value, ticket), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _lifetime });
        }

        return value;
    }

    /// <summary>Voids the entry of <paramref name="id"/> (after what it answers changed).</summary>
    public void Evict(Guid id) => _generations.Advance(id);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _entries.Dispose();
        }
    }

    private sealed record Entry(TValue Value, long Generation);
}
