using System.Diagnostics.Metrics;
using AbParts.Application.Common.Exceptions;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// What operators watch of the image workers (meter <see cref="MeterName"/>): jobs waiting and running, how
/// long each took and how it ended, failures by reason, and worker replacements by reason. Without a
/// listener (metrics off) recording costs next to nothing.
/// </summary>
public sealed class ImagingMetrics : IDisposable
{
    public const string MeterName = "AbParts.Media.Imaging";

    private readonly Meter _meter;
    private readonly UpDownCounter<int> _running;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _restarts;
    private Func<int> _waiting = () => 0;

    public ImagingMetrics(IMeterFactory? meters = null)
    {
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableUpDownCounter("abparts.image.jobs.queued", () => _waiting(), "{job}",
            "Image jobs waiting for a free worker.");
        _running = _meter.CreateUpDownCounter<int>("abparts.image.jobs.running", "{job}", "Image jobs being processed by a worker.");
        _failed = _meter.CreateCounter<long>("abparts.image.jobs.failed", "{job}",
            "Image jobs that ended without an image, by reason.");
        _duration = _meter.CreateHistogram<double>("abparts.image.job.duration", "s",
            "Time from a job's admission to its answer, waiting included, by outcome.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30] });
        _restarts = _meter.CreateCounter<long>("abparts.image.worker.restarts", "{worker}",
            "Image workers replaced, by reason.");
    }

    /// <summary>Where the queue length is read from, when a scrape asks.</summary>
    internal void ObserveQueue(Func<int> waiting) => _waiting = waiting;

    internal void Started() => _running.Add(1);

    internal void Ended() => _running.Add(-1);

    internal void Completed(TimeSpan elapsed, Exception? failure, string? workerFailure)
    {
        var outcome = failure is null ? "processed" : "failed";
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        if (failure is not null)
        {
            _failed.Add(1, new KeyValuePair<string, object?>("reason", workerFailure ?? ReasonOf(failure)));
        }
    }

    internal void Restarted(string reason) => _restarts.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();

    private static string ReasonOf(Exception failure) => failure switch
    {
        UnsupportedMediaException => "unsupported",
        PayloadTooLargeException => "too_large",
        UnprocessableMediaException => "undecodable",
        DependencyUnavailableException => "unavailable",
        OperationCanceledException => "cancelled",
        _ => "error",
    };
}
