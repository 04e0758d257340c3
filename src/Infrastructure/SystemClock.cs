using AbParts.Application.Common.Abstractions;

namespace AbParts.Infrastructure;

internal sealed class SystemClock(TimeProvider time) : IClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
