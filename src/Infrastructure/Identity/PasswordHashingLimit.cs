using AbParts.Application.Common.Exceptions;

namespace AbParts.Infrastructure.Identity;

/// <summary>
/// How many password hashes run at once (<c>Auth:PasswordHashing:MaxConcurrent</c>, default the core count) and how
/// many may wait for one (<c>Auth:PasswordHashing:QueueLength</c>, default 32). A hash is CPU-bound, so a burst of
/// sign-ins would otherwise take every core; one beyond running and waiting is refused at once with
/// <see cref="TooManyRequestsException"/>, which the API answers 429 with Retry-After.
/// </summary>
public sealed class PasswordHashingLimit : IDisposable
{
    public const string MaxConcurrentKey = "Auth:PasswordHashing:MaxConcurrent";
    public const string QueueLengthKey = "Auth:PasswordHashing:QueueLength";
    public const int DefaultQueueLength = 32;

    private readonly SemaphoreSlim _admitted;
    private readonly SemaphoreSlim _running;

    public PasswordHashingLimit(int maxConcurrent, int queueLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLength);
        _admitted = new SemaphoreSlim(maxConcurrent + queueLength, maxConcurrent + queueLength);
        _running = new SemaphoreSlim(maxConcurrent, maxConcurrent);
    }

    /// <summary>
    /// Takes a slot for one hash, waiting in the bounded queue (the hasher port is synchronous, so it blocks), or throws
    /// when running and waiting hashes are at their limits; dispose the answer when the hash is done.
    /// </summary>
    public IDisposable Enter()
    {
        if (!_admitted.Wait(0))
        {
            throw new TooManyRequestsException("Too many passwords are being checked at once. Try again shortly.");
        }

        _running.Wait();
        return new Slot(this);
    }

    public void Dispose()
    {
        _admitted.Dispose();
        _running.Dispose();
    }

    private sealed class Slot(PasswordHashingLimit limit) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                limit._running.Release();
                limit._admitted.Release();
            }
        }
    }
}
