using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AbParts.Infrastructure.Persistence;

/// <summary>
/// Bytes stored per backend and kind of media (<c>abparts.media.stored.bytes</c>, meter <see cref="MeterName"/>),
/// summed from the rows every interval (a minute by default) rather than on each scrape, so a scrape never
/// waits for the database. Registered only when metrics are on.
/// </summary>
public sealed partial class StoredBytesMetrics : BackgroundService
{
    public const string MeterName = "AbParts.Media.Storage";

    private const string Sums = """
        SELECT storage_backend AS "Backend", 'image' AS "Kind", sum(byte_size)::bigint AS "Bytes" FROM images GROUP BY 1
        UNION ALL SELECT storage_backend, 'image', sum(byte_size)::bigint FROM image_thumbnails GROUP BY 1
        UNION ALL SELECT storage_backend, 'video', sum(byte_size)::bigint FROM videos GROUP BY 1
        UNION ALL SELECT storage_backend, 'file', sum(byte_size)::bigint FROM chat_files GROUP BY 1
        """;

    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<StoredBytesMetrics> _logger;
    private readonly Meter _meter;
    private readonly TimeSpan _interval;
    private volatile IReadOnlyList<Measurement<long>> _latest = [];

    public StoredBytesMetrics(IServiceScopeFactory scopes, ILogger<StoredBytesMetrics> logger, IMeterFactory meters, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _interval = interval;
        _scopes = scopes;
        _logger = logger;
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("abparts.media.stored.bytes", () => _latest, "By",
            "Bytes of media stored, by backend (postgres, local, s3) and kind (image, video, file), as of the last count.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        do
        {
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AbPartsDbContext>();
                var rows = await db.Database.SqlQueryRaw<StoredBytes>(Sums).ToListAsync(stoppingToken);
                _latest = rows.GroupBy(r => (r.Backend, r.Kind))
                    .Select(g => new Measurement<long>(g.Sum(r => r.Bytes),
                        new KeyValuePair<string, object?>("backend", g.Key.Backend), new KeyValuePair<string, object?>("kind", g.Key.Kind)))
                    .ToList();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(_logger, exception); // the last count stays; the next tick tries again
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting stored bytes for the metrics failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    private sealed class StoredBytes
    {
        public string Backend { get; init; } = string.Empty;

        public string Kind { get; init; } = string.Empty;

        public long Bytes { get; init; }
    }
}
