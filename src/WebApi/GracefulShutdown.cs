using AbParts.WebApi.Endpoints;
using AbParts.WebApi.ErrorHandling;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AbParts.WebApi;

/// <summary>
/// What SIGTERM (or Ctrl-C) does: from that moment new uploads are answered 503 with <c>Retry-After</c> and
/// <c>/health/ready</c> says 503, while the uploads already running finish; only then does Kestrel stop listening
/// and the process exit. <c>Server:ShutdownTimeout</c> (default 30 s) bounds the whole stop: an upload still
/// running then is cut off and, like any failed upload, leaves nothing behind.
/// </summary>
/// <remarks>
/// The wait is in <see cref="IHostedLifecycleService.StoppingAsync"/>, which the host runs before stopping any
/// hosted service, Kestrel's included: so the listener stays open and a new upload gets a clear 503 rather than a
/// refused connection. Each upload counts itself in before it checks whether the service is stopping, so the
/// wait cannot miss one.
/// </remarks>
public sealed partial class UploadDrain(IHostApplicationLifetime lifetime, ILogger<UploadDrain> logger)
    : IHostedLifecycleService, IHealthCheck
{
    public const string ShutdownTimeoutKey = "Server:ShutdownTimeout";

    /// <summary>How long a client refused during shutdown should wait: about what another instance, or this one restarted, needs.</summary>
    private const string RetryAfterSeconds = "5";

    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    private bool Stopping => lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>Runs an upload route's request, or refuses it once the service is stopping.</summary>
    public async Task RunAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        Interlocked.Increment(ref _running);
        try
        {
            if (Stopping)
            {
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                await ProblemResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable,
                    "The service is shutting down", "This instance takes no new uploads while it stops. Try again in a few seconds.");
                return;
            }

            await next(context);
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0 && Stopping)
            {
                _drained.TrySetResult();
            }
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var running = Volatile.Read(ref _running);
        if (running == 0)
        {
            return;
        }

        LogWaiting(logger, running);
        try
        {
            await _drained.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogCutOff(logger, Volatile.Read(ref _running));
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Stopping ? HealthCheckResult.Unhealthy("The service is shutting down.") : HealthCheckResult.Healthy());

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: waiting for {Count} running uploads to finish")]
    private static partial void LogWaiting(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: {Count} uploads still running at Server:ShutdownTimeout are cut off")]
    private static partial void LogCutOff(ILogger logger, int count);
}

public static class GracefulShutdown
{
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<HostOptions>(options =>
            options.ShutdownTimeout = configuration.GetValue(UploadDrain.ShutdownTimeoutKey, TimeSpan.FromSeconds(30)));
        services.AddSingleton<UploadDrain>();
        services.AddHostedService(provider => provider.GetRequiredService<UploadDrain>());
        services.AddHealthChecks().AddCheck<UploadDrain>("accepting", tags: ["ready"]);
        return services;
    }

    /// <summary>After routing and the limits: counts and drains the requests of upload routes (<see cref="UploadRoutes"/>).</summary>
    public static WebApplication UseGracefulShutdown(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var drain = app.Services.GetRequiredService<UploadDrain>();
        app.Use((context, next) => context.GetEndpoint()?.Metadata.GetMetadata<UploadRoutes.Marker>() is null
            ? next(context)
            : drain.RunAsync(context, next));
        return app;
    }
}
