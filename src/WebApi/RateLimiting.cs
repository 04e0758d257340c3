using System.Threading.RateLimiting;
using AbParts.Application.Common.Exceptions;
using Microsoft.AspNetCore.RateLimiting;

namespace AbParts.WebApi;

/// <summary>
/// Slows password guessing: sign-in attempts per minute (<c>Auth:SignIn:PermitsPerMinute</c>), counted once per client
/// address (the rate-limiting middleware) and once per username (<see cref="SignInUsernameLimit"/>, in the endpoint,
/// where the body is already bound).
/// </summary>
public static class RateLimiting
{
    public const string SignInPolicy = "sign-in";
    public const string PermitsPerMinuteKey = "Auth:SignIn:PermitsPerMinute";
    public const int DefaultPermitsPerMinute = 30;

    public static IServiceCollection AddSignInRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var permits = configuration.GetValue(PermitsPerMinuteKey, DefaultPermitsPerMinute);
        services.AddSingleton(_ => new SignInUsernameLimit(permits));
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return new ValueTask(ErrorHandling.ProblemResponses.WriteAsync(context.HttpContext,
                    StatusCodes.Status429TooManyRequests, ErrorHandling.ProblemTypes.TooManyRequests,
                    "Too many sign-in attempts", "Wait a minute before trying again."));
            };
            // The address is the client's own, or the one a configured proxy forwarded (TrustedProxies).
            options.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1) }));
        });
    }
}

/// <summary>
/// Sign-in attempts per username per minute, whatever address they come from. Taken in the endpoint from the bound
/// request rather than in the middleware, which would have to read and rewind the JSON body itself.
/// </summary>
public sealed class SignInUsernameLimit(int permitsPerMinute) : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(username =>
        RateLimitPartition.GetFixedWindowLimiter(username,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = Window }));

    /// <summary>Counts one attempt for <paramref name="username"/>, or throws when its minute's budget is spent.</summary>
    public void Count(string? username)
    {
        // Usernames compare case-insensitively; the validator bounds their length, the key is bounded here as well.
        var key = (username ?? string.Empty).Trim().ToUpperInvariant();
        using var lease = _limiter.AttemptAcquire(key.Length > 256 ? key[..256] : key);
        if (!lease.IsAcquired)
        {
            throw new TooManyRequestsException(
                "Too many sign-in attempts for this username. Wait a minute before trying again.", Window);
        }
    }

    public void Dispose() => _limiter.Dispose();
}
