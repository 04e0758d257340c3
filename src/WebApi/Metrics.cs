using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.Persistence;
using OpenTelemetry.Metrics;

namespace AbParts.WebApi;

/// <summary>
/// <c>Metrics</c>: Prometheus metrics through OpenTelemetry, off by default. When on, <c>GET /metrics</c> answers
/// only on its own listening address (<see cref="Url"/>, loopback by default), never on the API's: a scraper
/// needs no token, so the metrics must not be reachable where clients are.
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    public bool Enabled { get; set; }

    /// <summary>Where <c>/metrics</c> is served, an address of its own (a private interface or loopback).</summary>
    public Uri Url { get; set; } = new("http://127.0.0.1:9464");

    /// <summary>How often the stored bytes per backend are counted from the database.</summary>
    public TimeSpan StoredBytesInterval { get; set; } = TimeSpan.FromMinutes(1);

    public static MetricsOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<MetricsOptions>() ?? new MetricsOptions();
}

public static class MetricsSetup
{
    public const string Path = "/metrics";

    /// <summary>
    /// The meters exported: HTTP requests (rate and latency), the .NET runtime, Npgsql's connection pool, the
    /// image workers (<see cref="ImagingMetrics"/>) and stored bytes per backend (<see cref="StoredBytesMetrics"/>).
    /// </summary>
    public static IServiceCollection AddAbPartsMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        var options = MetricsOptions.From(configuration);
        if (!options.Enabled)
        {
            return services;
        }

        services.AddHostedService(provider => ActivatorUtilities.CreateInstance<StoredBytesMetrics>(provider, options.StoredBytesInterval));
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter("Npgsql", ImagingMetrics.MeterName, StoredBytesMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>The server's listening addresses: the configured ones, plus the metrics address when metrics are on.</summary>
    public static string ListeningUrls(IConfiguration configuration, string apiUrls)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var metrics = MetricsOptions.From(configuration);
        return metrics.Enabled ? $"{apiUrls};{metrics.Url.GetLeftPart(UriPartial.Authority)}" : apiUrls;
    }

    /// <summary>Serves <c>/metrics</c> on the metrics port only, and nothing else there.</summary>
    public static WebApplication UseAbPartsMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = MetricsOptions.From(app.Configuration);
        if (!metrics.Enabled)
        {
            return app;
        }

        var port = metrics.Url.Port;
        app.Use((context, next) =>
        {
            var onMetricsPort = context.Connection.LocalPort == port;
            if (onMetricsPort != context.Request.Path.StartsWithSegments(Path))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound; // the API is not on the metrics port, nor metrics on the API's
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.MapPrometheusScrapingEndpoint(Path).AllowAnonymous().RequireHost($"*:{port}");
        return app;
    }
}
