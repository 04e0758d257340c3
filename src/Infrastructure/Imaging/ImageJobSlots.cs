using System.Threading.Channels;
using AbParts.Application.Common.Exceptions;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// Admission for image work: <typeparamref name="TSlot"/>s taken one per image, first come first served,
/// and at most <c>queueLength</c> uploads waiting for one. A further upload is refused at once with 503 and
/// <c>Retry-After</c>, so a burst never piles up requests (and their buffered bodies) without bound.
/// </summary>
internal sealed class ImageJobSlots<TSlot>
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    private readonly Channel<TSlot> _free = Channel.CreateUnbounded<TSlot>();
    private readonly int _queueLength;
    private int _waiting;

    public ImageJobSlots(IEnumerable<TSlot> slots, int queueLength)
    {
        ArgumentNullException.ThrowIfNull(slots);
        foreach (var slot in slots)
        {
            _free.Writer.TryWrite(slot);
        }

        _queueLength = queueLength;
    }

    /// <summary>Uploads waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A free slot, after waiting in line if need be; give it back with <see cref="Release"/>.</summary>
    public async ValueTask<TSlot> TakeAsync(CancellationToken cancellationToken)
    {
        if (_free.Reader.TryRead(out var slot))
        {
            return slot;
        }

        if (Interlocked.Increment(ref _waiting) > _queueLength)
        {
            Interlocked.Decrement(ref _waiting);
            throw new DependencyUnavailableException(
                $"Every image worker is busy and {_queueLength} uploads are already waiting. Try again shortly.", RetryAfter);
        }

        try
        {
            return await _free.Reader.ReadAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Release(TSlot slot) => _free.Writer.TryWrite(slot);
}
