using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using AbParts.Application.Common.Exceptions;
using AbParts.WebApi.Auth;
using AbParts.WebApi.ErrorHandling;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AbParts.WebApi;

/// <summary>
/// ASP.NET Core's rate limiter, on two kinds of route:
/// <list type="bullet">
/// <item>sign-in slows password guessing: attempts per minute (<c>Auth:SignIn:PermitsPerMinute</c>), counted once per
/// client address (the middleware) and once per username (<see cref="SignInUsernameLimit"/>, in the endpoint, where the
/// body is already bound);</item>
/// <item>uploads (<see cref="UploadRateLimiterPolicy"/>): per user, uploads started per minute and uploads running at once.</item>
/// </list>
/// </summary>
public static class RateLimiting
{
    public const string SignInPolicy = "sign-in";
    public const string UploadPolicy = "uploads";
    public const string PermitsPerMinuteKey = "Auth:SignIn:PermitsPerMinute";
    public const int DefaultPermitsPerMinute = 30;

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var permits = configuration.GetValue(PermitsPerMinuteKey, DefaultPermitsPerMinute);
        services.AddSingleton(_ => new SignInUsernameLimit(permits));
        services.AddOptions<UploadLimitOptions>()
            .Bind(configuration.GetSection(UploadLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services.AddRateLimiter(options =>
        {
            options.AddPolicy<Guid, UploadRateLimiterPolicy>(UploadPolicy);
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

/// <summary><c>Uploads</c>: how much one user may upload, whatever the route (images, videos, chat files).</summary>
public sealed class UploadLimitOptions
{
    public const string SectionName = "Uploads";

    /// <summary>Upload requests a user may start per minute (a fixed window).</summary>
    [Range(1, int.MaxValue)]
    public int PermitsPerMinute { get; set; } = 60;

    /// <summary>Upload requests of one user that may run at once.</summary>
    [Range(1, int.MaxValue)]
    public int ConcurrentPerUser { get; set; } = 4;
}

/// <summary>
/// The upload limits of <see cref="UploadLimitOptions"/>, partitioned by the signed-in user (upload routes need one;
/// the limiter runs after authorization). Above either limit the answer is 429 with <c>Retry-After</c>: the rest of
/// the minute, or one second when it is the uploads running at once. A refused request is refused before its body is read.
/// </summary>
public sealed class UploadRateLimiterPolicy(IOptions<UploadLimitOptions> options) : IRateLimiterPolicy<Guid>
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly UploadLimitOptions _limits = options.Value;

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (context, _) =>
    {
        var tooMany = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var seconds = tooMany ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return new ValueTask(ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
            ProblemTypes.TooManyRequests, "Too many uploads", tooMany
                ? $"You may start {_limits.PermitsPerMinute} uploads a minute. Try again in {seconds} s."
                : $"You may run {_limits.ConcurrentPerUser} uploads at once. Try again when one has finished."));
    };

    public RateLimitPartition<Guid> GetPartition(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return httpContext.User.ToCaller() is { } caller
            ? RateLimitPartition.Get(caller.UserId.Value, _ => new UserUploadLimiter(_limits))
            : RateLimitPartition.GetNoLimiter(Guid.Empty);
    }

    /// <summary>
    /// One user's two limits as one limiter, the running uploads asked first so that a refused request spends
    /// nothing of the minute. Disposing it disposes both (a chained limiter leaves its parts, and their timer, running).
    /// </summary>
    private sealed class UserUploadLimiter : RateLimiter
    {
        private readonly ConcurrencyLimiter _atOnce;
        private readonly FixedWindowRateLimiter _perMinute;
        private readonly RateLimiter _both;

        public UserUploadLimiter(UploadLimitOptions limits)
        {
            _atOnce = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = limits.ConcurrentPerUser, QueueLimit = 0 });
            _perMinute = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.PermitsPerMinute,
                Window = Window,
                QueueLimit = 0,
            });
            _both = CreateChained(_atOnce, _perMinute);
        }

        public override TimeSpan? IdleDuration => _both.IdleDuration;

        public override RateLimiterStatistics? GetStatistics() => _both.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => _both.AttemptAcquire(permitCount);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            _both.AcquireAsync(permitCount, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _both.Dispose();
                _perMinute.Dispose();
                _atOnce.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
