using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace AbParts.WebApi;

/// <summary>Slows password guessing: sign-in attempts per client address per minute (<c>Auth:SignIn:PermitsPerMinute</c>).</summary>
public static class RateLimiting
{
    public const string SignInPolicy = "sign-in";

    public static IServiceCollection AddSignInRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var permits = configuration.GetValue("Auth:SignIn:PermitsPerMinute", 30);
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
            options.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1) }));
        });
    }
}
