using System.Collections.Concurrent;
using System.Diagnostics;

namespace AbParts.Benchmarks.Soak;

/// <summary>
/// Everything the clients saw during the load, from all of them at once: each request's outcome and time, the byte
/// checks made on answers, the uploads acknowledged; and the bound on the number of requests.
/// </summary>
internal sealed class LoadRecorder(int maxRequests)
{
    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly ConcurrentQueue<Acknowledged> _acknowledged = new();
    private readonly ConcurrentQueue<UnconfirmedPhoto> _unconfirmed = new();
    private readonly ConcurrentQueue<string> _firstErrors = new();
    private readonly ConcurrentDictionary<RequestKind, (int Checked, int Mismatched)> _checks = new();
    private readonly long _origin = Stopwatch.GetTimestamp();
    private int _started;

    public IReadOnlyCollection<Sample> Samples => _samples;

    public IReadOnlyCollection<Acknowledged> Acknowledged => _acknowledged;

    public IReadOnlyCollection<UnconfirmedPhoto> Unconfirmed => _unconfirmed;

    public IReadOnlyDictionary<RequestKind, (int Checked, int Mismatched)> Checks => _checks;

    /// <summary>The first few failed requests with their path, so that an error can be looked into.</summary>
    public IReadOnlyCollection<string> FirstErrors => _firstErrors;

    /// <summary>Counts a request about to start; false once <c>maxRequests</c> have started.</summary>
    public bool TryStart() => Interlocked.Increment(ref _started) <= maxRequests;

    /// <summary>An HTTP answer, whatever its status.</summary>
    public void Answered(RequestKind kind, int status, TimeSpan elapsed, string path) =>
        Add(kind, status.ToString(System.Globalization.CultureInfo.InvariantCulture), status is >= 200 and < 300 or 304,
            elapsed, path);

    /// <summary>A request that got no answer: a timeout or a transport error (refused, reset, …).</summary>
    public void Failed(RequestKind kind, string error, TimeSpan elapsed, string path) => Add(kind, error, false, elapsed, path);

    /// <summary>A comparison of served bytes with what they must be.</summary>
    public void Checked(RequestKind kind, bool same) =>
        _checks.AddOrUpdate(kind, _ => (1, same ? 0 : 1), (_, c) => (c.Checked + 1, c.Mismatched + (same ? 0 : 1)));

    public void Acknowledge(Acknowledged upload) => _acknowledged.Enqueue(upload);

    public void Unanswered(UnconfirmedPhoto upload) => _unconfirmed.Enqueue(upload);

    private void Add(RequestKind kind, string outcome, bool succeeded, TimeSpan elapsed, string path)
    {
        _samples.Enqueue(new Sample(kind, outcome, succeeded, elapsed, Stopwatch.GetElapsedTime(_origin) - elapsed));
        if (!succeeded && _firstErrors.Count < 10)
        {
            _firstErrors.Enqueue($"{RequestMix.Name(kind)}: {outcome} for {path}");
        }
    }
}

/// <summary>
/// One request: its kind, outcome (the status code, or the transport error), whether it succeeded, its time, and when
/// it started, counted from the start of the load.
/// </summary>
internal readonly record struct Sample(RequestKind Kind, string Outcome, bool Succeeded, TimeSpan Elapsed, TimeSpan Started);
