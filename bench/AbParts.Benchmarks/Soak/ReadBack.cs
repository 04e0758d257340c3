using System.Globalization;
using System.Net.Http.Headers;

namespace AbParts.Benchmarks.Soak;

/// <summary>
/// The read-back step: every upload the service acknowledged, in setup and under load, read again and compared with
/// what its answer promised, twice: right after the load, and again once the service's memory of served images and
/// video lookups has expired (<c>Images:ResponseCacheSeconds</c>, <c>Videos:LookupCacheSeconds</c>: 10 s by
/// default), so the second read comes from PostgreSQL and the video store. Both reads must give the promised bytes.
/// </summary>
internal static class ReadBack
{
    private const int AtOnce = 8;

    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(11);

    public static async Task WriteAsync(SoakState state, TextWriter report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(report);
        var checks = Plan(state);
        using var http = LoopbackClients.Create(state.Api, null, null);
        var first = await ReadAllAsync(http, checks, cancellationToken);
        await Task.Delay(CacheLifetime, cancellationToken);
        var second = await ReadAllAsync(http, checks, cancellationToken);
        var verdicts = checks.Select((c, i) => (Check: c, Verdict: Combine(first[i], second[i]))).ToList();
        Write(report, verdicts);
    }

    /// <summary>What to read for each acknowledged upload, and what it must give.</summary>
    private static List<Check> Plan(SoakState state)
    {
        var checks = new List<Check>();
        string Token(int user) => state.Users[user].Token;
        foreach (var photos in state.Uploads.Where(u => u.Kind == UploadKind.ProfilePhoto).GroupBy(u => u.User))
        {
            var latest = photos.MaxBy(p => p.Sequence)!;
            var current = new Read(SoakApi.ProfilePhoto(state.Users[photos.Key].Id), Token(photos.Key), Expect.Promised);
            if (state.UnconfirmedPhotos.Any(u => u.User == photos.Key && u.Sequence > latest.Sequence))
            {
                // A later upload may or may not have been stored: any version may be current, but a pinned URL
                // never serves other bytes than its own.
                checks.AddRange(photos.Select(p => new Check("profile photo before an unanswered upload: current photo matches its ETag; " +
                    "pinned URL gives its own bytes or 404", p, [current with { Expect = Expect.Served }, new(p.Path, null, Expect.PromisedOrGone)])));
                continue;
            }

            checks.Add(new Check("profile photo, latest acknowledged: pinned URL and bearer route", latest,
                [new(latest.Path, null, Expect.Promised), current]));
            // The same photograph uploaded again gives the same bytes, so the same version: its URL stays good.
            checks.AddRange(photos.Where(p => p != latest).Select(p => p.Sha256 == latest.Sha256
                ? new Check("profile photo, replaced by the same bytes: its pinned URL serves them", p, [new(p.Path, null, Expect.Promised)])
                : new Check("profile photo, replaced: its pinned URL answers 404", p, [new(p.Path, null, Expect.Gone)])));
        }

        foreach (var upload in state.Uploads.Where(u => u.Kind != UploadKind.ProfilePhoto))
        {
            var category = upload.Kind switch
            {
                UploadKind.PartImage => "part image (setup): pinned URL",
                UploadKind.Video => "support video, whole",
                _ when upload.Size <= ImageMaxBytes => "chat file ≤ 512000 B (PostgreSQL)",
                _ => "chat file > 512000 B (video store)",
            };
            checks.Add(new Check(category, upload, [new(upload.Path, Token(upload.User), Expect.Promised)]));
        }

        return checks;
    }

    /// <summary><c>Images:MaxBytes</c>: the storage rule sends larger files to the video store.</summary>
    private const long ImageMaxBytes = 512_000;

    private static async Task<Verdict[]> ReadAllAsync(HttpClient http, List<Check> checks, CancellationToken cancellationToken)
    {
        var verdicts = new Verdict[checks.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, checks.Count),
            new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = cancellationToken },
            async (i, ct) => verdicts[i] = await VerifyAsync(http, checks[i], ct));
        return verdicts;
    }

    private static async Task<Verdict> VerifyAsync(HttpClient http, Check check, CancellationToken cancellationToken)
    {
        var upload = check.Upload;
        var served = string.Empty;
        foreach (var read in check.Reads)
        {
            Answer answer;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, read.Path);
                if (read.Token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", read.Token);
                }

                using var response = await http.SendAsync(request, cancellationToken);
                answer = await Answer.ReadAsync(response, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return new Verdict(Outcome.Error, $"{read.Path}: {e.Message}", null);
            }

            var sha = SoakContent.Sha256(answer.Body);
            var promised = SoakContent.Matches(answer.Body, upload.Sha256, upload.Size);
            var outcome = (read.Expect, answer.Status) switch
            {
                (Expect.Gone or Expect.PromisedOrGone, 404) => Outcome.AsPromised,
                (Expect.Gone, 200) => Outcome.Changed,
                (Expect.Promised or Expect.PromisedOrGone, 200) => promised ? Outcome.AsPromised : Outcome.Changed,
                (Expect.Served, 200) => answer.ETag == sha ? Outcome.AsPromised : Outcome.Changed,
                (_, 404) => Outcome.Lost,
                _ => Outcome.Error,
            };
            if (outcome != Outcome.AsPromised)
            {
                return new Verdict(outcome, $"{read.Path}: {answer.Status}, {answer.Body.Length} B, SHA-256 {sha[..16]}…", null);
            }

            served += answer.Status == 200 ? $"200:{sha};" : $"{answer.Status};";
        }

        return new Verdict(Outcome.AsPromised, null, served);
    }

    /// <summary>The worse of the two passes; two good passes must also have answered alike, with the same bytes.</summary>
    private static Verdict Combine(Verdict first, Verdict second) =>
        first.Outcome != Outcome.AsPromised ? first with { Detail = $"first read, {first.Detail}" }
        : second.Outcome != Outcome.AsPromised ? second with { Detail = $"second read, {second.Detail}" }
        : first.Served == second.Served ? first
        : new Verdict(Outcome.Changed, "the second read served other bytes than the first", null);

    private static void Write(TextWriter output, List<(Check Check, Verdict Verdict)> verdicts)
    {
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(invariant, $"Read-back of every acknowledged upload, twice: right after the load, then after " +
                                    $"{CacheLifetime.TotalSeconds:0} s, when the service's caches have expired:"));
        output.WriteLine();
        output.WriteLine("| upload | count | as acknowledged, both reads | lost | changed | other answers |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var group in verdicts.GroupBy(v => v.Check.Category))
        {
            output.WriteLine($"| {group.Key} | {group.Count()} | {Count(group, Outcome.AsPromised)} | {Count(group, Outcome.Lost)} | " +
                             $"{Count(group, Outcome.Changed)} | {Count(group, Outcome.Error)} |");
        }

        var bad = verdicts.Where(v => v.Verdict.Outcome is Outcome.Lost or Outcome.Changed).ToList();
        output.WriteLine(string.Create(invariant, $"| **total** | {verdicts.Count} | {Count(verdicts, Outcome.AsPromised)} | " +
                                    $"{Count(verdicts, Outcome.Lost)} | {Count(verdicts, Outcome.Changed)} | {Count(verdicts, Outcome.Error)} |"));
        output.WriteLine();
        output.WriteLine(string.Create(invariant, $"Lost or changed: {bad.Count} uploads, {bad.Sum(v => v.Check.Upload.Size)} bytes " +
                                    $"of {verdicts.Sum(v => v.Check.Upload.Size)} acknowledged."));
        foreach (var (check, verdict) in verdicts.Where(v => v.Verdict.Outcome != Outcome.AsPromised).Take(10))
        {
            output.WriteLine($"- {verdict.Outcome}: {check.Category}: {verdict.Detail}");
        }

        output.WriteLine();
    }

    private static int Count(IEnumerable<(Check Check, Verdict Verdict)> verdicts, Outcome outcome) =>
        verdicts.Count(v => v.Verdict.Outcome == outcome);

    private enum Expect
    {
        /// <summary>200 with the acknowledged bytes.</summary>
        Promised,

        /// <summary>404: a replaced photo's pinned URL never serves other bytes.</summary>
        Gone,

        /// <summary>200 with bytes that hash to their ETag: a later upload got no answer, so which version is current is unknown.</summary>
        Served,

        /// <summary>The acknowledged bytes, or 404 once replaced: what a pinned URL may answer when the current version is unknown.</summary>
        PromisedOrGone,
    }

    private enum Outcome
    {
        AsPromised,
        Lost,
        Changed,
        Error,
    }

    private sealed record Read(string Path, string? Token, Expect Expect);

    private sealed record Check(string Category, Acknowledged Upload, IReadOnlyList<Read> Reads);

    /// <param name="Served">What the reads answered: each one's status, and the SHA-256 of the bytes of a 200.</param>
    private sealed record Verdict(Outcome Outcome, string? Detail, string? Served);
}
