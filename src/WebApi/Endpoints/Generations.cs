namespace AbParts.WebApi.Endpoints;

/// <summary>
/// Change counters for the owners of cached answers (a user, a part, a video…), so a cache can tell an
/// answer read before a change from one read after it. Owners are hashed onto a fixed array of stripes:
/// the bookkeeping stays bounded however many owners there are, and owners sharing a stripe only cost
/// each other a cache miss.
/// </summary>
internal sealed class Generations
{
    private const int Stripes = 4096;

    private readonly long[] _counters = new long[Stripes];

    /// <summary>The owner's current generation: draw it before reading what will be cached.</summary>
    public long Ticket<TOwner>(TOwner owner) where TOwner : notnull => Volatile.Read(ref _counters[Stripe(owner)]);

    /// <summary>Whether nothing of <paramref name="owner"/> changed since <paramref name="ticket"/> was drawn.</summary>
    public bool IsCurrent<TOwner>(TOwner owner, long ticket) where TOwner : notnull =>
        Volatile.Read(ref _counters[Stripe(owner)]) == ticket;

    /// <summary>Records a change of <paramref name="owner"/>: every ticket drawn before it is stale.</summary>
    public void Advance<TOwner>(TOwner owner) where TOwner : notnull => Interlocked.Increment(ref _counters[Stripe(owner)]);

    private static int Stripe<TOwner>(TOwner owner) where TOwner : notnull => (int)((uint)owner.GetHashCode() % Stripes);
}
