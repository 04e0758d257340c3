using System.Globalization;

namespace AbParts.Benchmarks.Soak;

/// <summary>The load's markdown: the offered mix, then per kind the requests, rates, latencies and answers, the errors, and the byte checks.</summary>
internal static class LoadReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// The first seconds, when 200 users arrive at a service that has not run under load yet (the JIT recompiles hot
    /// paths, the thread pool grows): the p99 of the requests started after them is shown beside the whole run's.
    /// </summary>
    private static readonly TimeSpan Arrival = TimeSpan.FromSeconds(10);

    public static void Write(TextWriter output, LoadRecorder recorder, int clients, TimeSpan duration, TimeSpan elapsed, int seed)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(recorder);
        var samples = recorder.Samples.ToList();
        var seconds = duration.TotalSeconds;

        output.WriteLine(string.Create(Invariant, $"Offered: {clients} clients, each from its own loopback address and signed in as its own user, " +
                                    $"for {duration.TotalSeconds:0} s. Each repeats: a request of a kind drawn by weight, then an " +
                                    $"exponential pause of mean {RequestMix.MeanThinkTime.TotalMilliseconds:0} ms (at most " +
                                    $"{RequestMix.MaxThinkTime.TotalSeconds:0} s, at least a refusal's Retry-After). Random seed {seed}."));
        output.WriteLine();
        output.WriteLine("| kind | weight | what |");
        output.WriteLine("|---|---:|---|");
        foreach (var (kind, perMille, what) in RequestMix.Kinds)
        {
            output.WriteLine(string.Create(Invariant, $"| {RequestMix.Name(kind)} | {perMille / 10.0:0.0} % | {what} |"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(Invariant, $"Requests per second over the {duration.TotalSeconds:0} s in which they started " +
                                    $"(the last answer came {(elapsed - duration).TotalSeconds:0.0} s after); latencies of the successful " +
                                    $"answers (2xx, 304), until the whole body was read:"));
        output.WriteLine();
        output.WriteLine(string.Create(Invariant, $"| kind | requests | share | requests/s | p50 ms | p99 ms | p99 ms after the first {Arrival.TotalSeconds:0} s | answers |"));
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var kind in Enum.GetValues<RequestKind>())
        {
            var mine = samples.Where(s => s.Kind == kind).ToList();
            output.WriteLine(string.Create(Invariant, $"| {RequestMix.Name(kind)} | {mine.Count} | {Share(mine.Count, samples.Count)} | " +
                                        $"{mine.Count / seconds:0.0} | {Latencies(mine)} | {Outcomes(mine)} |"));
        }

        output.WriteLine(string.Create(Invariant, $"| **total** | {samples.Count} | 100 % | {samples.Count / seconds:0.0} | " +
                                    $"{Latencies(samples)} | {Outcomes(samples)} |"));
        output.WriteLine();

        WriteErrors(output, samples, recorder.FirstErrors);
        WriteChecks(output, recorder);
    }

    private static void WriteErrors(TextWriter output, List<Sample> samples, IEnumerable<string> firstErrors)
    {
        var errors = samples.Where(s => !s.Succeeded).ToList();
        if (errors.Count == 0)
        {
            output.WriteLine("Errors: none. Every request was answered, 2xx or 304.");
            output.WriteLine();
            return;
        }

        var kinds = Enum.GetValues<RequestKind>().Where(k => errors.Any(e => e.Kind == k)).ToList();
        output.WriteLine("Errors by HTTP status, and requests without an answer:");
        output.WriteLine();
        output.WriteLine($"| status | {string.Join(" | ", kinds.Select(RequestMix.Name))} | total |");
        output.WriteLine($"|---|{string.Concat(kinds.Select(_ => "---:|"))}---:|");
        foreach (var outcome in errors.GroupBy(e => e.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"| {outcome.Key} | {string.Join(" | ", kinds.Select(k => outcome.Count(e => e.Kind == k)))} | {outcome.Count()} |");
        }

        output.WriteLine();
        output.WriteLine("The first of them:");
        output.WriteLine();
        foreach (var error in firstErrors)
        {
            output.WriteLine($"- {error}");
        }

        output.WriteLine();
    }

    private static void WriteChecks(TextWriter output, LoadRecorder recorder)
    {
        output.WriteLine("Bytes served during the load, compared as they arrived:");
        output.WriteLine();
        output.WriteLine("| answers | compared with | checked | different |");
        output.WriteLine("|---|---|---:|---:|");
        (RequestKind Kind, string Rule)[] rules =
        [
            (RequestKind.ImageGet, "the SHA-256 in their ETag"),
            (RequestKind.ImageGetIfNoneMatch, "the SHA-256 in their ETag (the 200s: replaced photos)"),
            (RequestKind.VideoRange, "the uploaded video's bytes at the offset asked"),
            (RequestKind.ChatDownload, "the SHA-256 of the file uploaded"),
        ];
        foreach (var (kind, rule) in rules)
        {
            var (done, different) = recorder.Checks.GetValueOrDefault(kind);
            output.WriteLine(string.Create(Invariant, $"| {RequestMix.Name(kind)} | {rule} | {done} | {different} |"));
        }

        output.WriteLine();
    }

    /// <summary>"p50 | p99 | p99 after <see cref="Arrival"/>" of the successful answers.</summary>
    private static string Latencies(IEnumerable<Sample> samples)
    {
        var ok = samples.Where(s => s.Succeeded).ToList();
        var all = ok.Select(s => s.Elapsed.TotalMilliseconds).Order().ToList();
        var later = ok.Where(s => s.Started >= Arrival).Select(s => s.Elapsed.TotalMilliseconds).Order().ToList();
        return $"{Percentile(all, 0.50)} | {Percentile(all, 0.99)} | {Percentile(later, 0.99)}";
    }

    private static string Outcomes(IEnumerable<Sample> samples) => string.Join(", ", samples
        .GroupBy(s => s.Outcome)
        .OrderByDescending(g => g.Count())
        .Select(g => $"{g.Key} × {g.Count()}"));

    private static string Share(int part, int whole) =>
        whole == 0 ? "–" : (100.0 * part / whole).ToString("0.0", Invariant) + " %";

    /// <summary>The nearest-rank percentile of sorted values, in ms.</summary>
    private static string Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? "–" : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)]
            .ToString(sorted[^1] < 10 ? "0.00" : "0.0", Invariant);
}
