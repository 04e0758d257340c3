using System.Diagnostics;
using System.Globalization;
using System.Net;
using AbParts.Infrastructure.Imaging;
using AbParts.Tests.Support;
using AbParts.WebApi.ErrorHandling;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// Uploads that hit the image worker processes themselves, through HTTP: a worker killed in the middle of an
/// upload, and eight 49-megapixel uploads at once. The service's memory is this test process's, so these run
/// alone, after the parallel tests, against an instance of their own.
/// </summary>
[Collection(ImageWorkerTestGroup.Name)]
public sealed class ImageWorkerUploadTests(ImageWorkerApiFixture api, ITestOutputHelper output)
{
    private const string ProfilePhoto = "/uploads/users/profile-photo";

    /// <summary>A flat 7000x7000 progressive 4:4:4 JPEG: 49 megapixels, under the 50 allowed; half a megabyte sent, 294 MB of coefficients to decode.</summary>
    private static readonly Lazy<byte[]> HugeFlatJpeg = new(() => HostileJpegs.FlatProgressive(7000, 7000, subsample: false));

    /// <summary>Generous: only a hung step should reach it.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);

    private WorkerPoolImageProcessor Pool => api.Services.GetRequiredService<WorkerPoolImageProcessor>();

    [Fact]
    public async Task AWorkerKilledInTheMiddleOfAnUploadAnswers422ChangesNothingAndIsReplaced()
    {
        var (client, _, userId) = await api.UserAsync("user");
        await ImagesTests.UploadAsync(client, ProfilePhoto, SampleImages.MediumJpeg, "photo.jpg");
        var photoBefore = await ImagesTests.ServedPhotoAsync(client, userId);
        var before = await api.StoredImagesAsync();
        var input = HugeFlatJpeg.Value;
        var workers = await AllWorkersRunningAsync();
        var readBefore = workers.ToDictionary(pid => pid, BytesRead);

        var upload = ImagesTests.PostFileAsync(client, ProfilePhoto, input, "flat.jpg");
        var victim = await WorkerHoldingTheInputAsync(readBefore, input.Length, upload);
        using (var process = Process.GetProcessById(victim))
        {
            process.Kill(); // SIGKILL on Linux
        }

        using var response = await upload.WaitAsync(SafetyNet);

        (await response.ShouldBeProblemAsync(422, ProblemTypes.InvalidMedia)).GetProperty("detail").GetString().Should()
            .StartWith("The image could not be processed: its worker stopped unexpectedly (killed by signal 9).");
        (await api.StoredImagesAsync()).Should().Be(before, "the killed upload stored nothing");
        await api.ImagesShouldHaveNoOrphansAsync("after a killed worker");
        (await ImagesTests.ServedPhotoAsync(client, userId)).Should().Be(photoBefore, "the photo set before is still served, unchanged");
        (await AllWorkersRunningAsync()).Should().NotContain(victim, "the pool started a worker in its place");
        (await ImagesTests.UploadAsync(client, ProfilePhoto, SampleImages.PortraitPng, "next.png"))
            .GetProperty("height").GetInt32().Should().Be(1024, "the next upload is processed as usual");
        client.Dispose();
    }

    [Fact]
    public async Task UploadsWhileEveryWorkerIsKilledOverAndOverGet422Or503NeverA500AndThePoolRecovers()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => api.UserAsync("user")));
        using var stop = new CancellationTokenSource();
        var killer = KillEveryWorkerUntilAsync(stop.Token);
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();

        await Task.WhenAll(users.Select(async user =>
        {
            for (var i = 0; i < 5; i++)
            {
                using var response = await ImagesTests.PostFileAsync(user.Client, ProfilePhoto, SampleImages.MediumJpeg, "photo.jpg");
                statuses.Add(response.StatusCode);
            }
        })).WaitAsync(SafetyNet);
        await stop.CancelAsync();
        var kills = await killer;

        output.WriteLine($"{kills} workers killed; answers: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key} x{g.Count()}"))}");
        kills.Should().BePositive();
        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.UnprocessableEntity
            || s == HttpStatusCode.ServiceUnavailable, "a killed worker fails its upload with 422, a pool without one answers 503");
        statuses.Should().Contain(s => s != HttpStatusCode.OK, "the kills reached uploads");
        await api.ImagesShouldHaveNoOrphansAsync("after uploads whose workers were killed");
        (await AllWorkersRunningAsync()).Should().HaveCount(ImageWorkerApiFixture.Workers, "the pool starts its workers again");
        var (client, _, _) = users[0];
        (await ImagesTests.UploadAsync(client, ProfilePhoto, SampleImages.PortraitPng, "next.png"))
            .GetProperty("height").GetInt32().Should().Be(1024, "once the kills stop, uploads are processed as usual");
        foreach (var user in users)
        {
            user.Client.Dispose();
        }
    }

    /// <summary>SIGKILLs every worker of the pool, again and again (every 20 ms), until <paramref name="stop"/>; how many it killed.</summary>
    private async Task<int> KillEveryWorkerUntilAsync(CancellationToken stop)
    {
        var kills = 0;
        while (!stop.IsCancellationRequested)
        {
            foreach (var pid in Pool.WorkerProcessIds)
            {
                try
                {
                    using var worker = Process.GetProcessById(pid);
                    worker.Kill();
                    kills++;
                }
                catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
                {
                    // gone already
                }
            }

            await Task.Delay(20, CancellationToken.None);
        }

        return kills;
    }

    [Fact]
    public async Task EightConcurrent49MegapixelProgressiveJpegsAnswer200Or503AndStayWithinTheMemoryBound()
    {
        var clients = new List<HttpClient>();
        for (var i = 0; i < 8; i++)
        {
            clients.Add((await api.UserAsync("user")).Client);
        }

        var input = HugeFlatJpeg.Value;
        var workers = await AllWorkersRunningAsync();
        workers.ForEach(ProcessMemory.ResetPeak);
        var baseline = ProcessMemory.ResetOwnPeak();

        var answers = await Task.WhenAll(clients.Select(async client =>
        {
            using var response = await ImagesTests.PostFileAsync(client, ProfilePhoto, input, "flat.jpg");
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, response.Headers.RetryAfter, Body: body);
        })).WaitAsync(SafetyNet);

        var service = ProcessMemory.OwnPeak() - baseline;
        var afterwards = Pool.WorkerProcessIds;
        var workerPeaks = afterwards.Select(ProcessMemory.PeakResident).ToList();
        var together = service + workerPeaks.Sum();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"answers: {string.Join(", ", answers.Select(a => (int)a.StatusCode))}; service grew by {service >> 20} MB; " +
            $"worker peaks {string.Join(", ", workerPeaks.Select(p => $"{p >> 20} MB"))}; together {together >> 20} MB"));
        answers.Should().OnlyContain(a => a.StatusCode == HttpStatusCode.OK || (a.StatusCode == HttpStatusCode.ServiceUnavailable && a.RetryAfter != null),
            "each upload is processed or finds the queue full (503 with Retry-After), never anything else: {0}",
            string.Join(Environment.NewLine, answers.Select(a => a.Body)));
        answers.Should().Contain(a => a.StatusCode == HttpStatusCode.OK);
        afterwards.Should().BeEquivalentTo(workers, "no worker crashed or ran out of memory");
        workerPeaks.Should().OnlyContain(peak => peak < WorkerPeakBound, "each worker decodes one image at a time");
        service.Should().BeLessThan(ServiceGrowthBound, "the service only holds the uploads and the answers");
        together.Should().BeLessThan(TogetherBound, "the service and its workers together stay bounded");
        using var live = await api.Anonymous().GetAsync("/health/live");
        live.StatusCode.Should().Be(HttpStatusCode.OK, "the service is alive");
        await api.ImagesShouldHaveNoOrphansAsync("after eight huge uploads at once");
        clients.ForEach(c => c.Dispose());
    }

    // Measured here (two workers, the eight uploads all answered 200): each worker peaked at 360-367 MB, the service
    // grew by 7-25 MB, so 739-755 MB together; sampled every 20 ms, the service's whole RSS (the test host's, 200-390 MB
    // before the uploads) and the workers' together reached 0.91-1.12 GB.

    /// <summary>One 7000x7000 4:4:4 progressive JPEG's coefficients (294 MB) and libvips' buffers, with room.</summary>
    private const long WorkerPeakBound = 500L << 20;

    /// <summary>Eight half-megabyte uploads in flight, their answers and the request pipeline, with room.</summary>
    private const long ServiceGrowthBound = 150L << 20;

    /// <summary>
    /// The documented bound: the service's growth plus its workers' peaks (an upper bound of their sum at any one
    /// moment) stay under 1 GB, because only <see cref="ImageWorkerApiFixture.Workers"/> images are decoded at once.
    /// </summary>
    private const long TogetherBound = 1L << 30;

    /// <summary>The pool's workers once every one has started (they start with the host, without waiting).</summary>
    private async Task<List<int>> AllWorkersRunningAsync()
    {
        using var safety = new CancellationTokenSource(SafetyNet);
        while (Pool.WorkerProcessIds.Count < ImageWorkerApiFixture.Workers)
        {
            await Task.Delay(10, safety.Token);
        }

        return [.. Pool.WorkerProcessIds];
    }

    /// <summary>The worker that has read the whole input from its standard input since <paramref name="readBefore"/>.</summary>
    private static async Task<int> WorkerHoldingTheInputAsync(Dictionary<int, long> readBefore, int length, Task upload)
    {
        using var safety = new CancellationTokenSource(SafetyNet);
        while (true)
        {
            upload.IsCompleted.Should().BeFalse("the upload must still be in a worker when it is killed");
            if (readBefore.Keys.FirstOrDefault(pid => BytesRead(pid) >= readBefore[pid] + length) is var holder and not 0)
            {
                return holder;
            }

            await Task.Delay(10, safety.Token);
        }
    }

    private static long BytesRead(int pid) =>
        File.ReadLines($"/proc/{pid}/io").Where(l => l.StartsWith("rchar:", StringComparison.Ordinal))
            .Select(l => long.Parse(l[6..].Trim(), CultureInfo.InvariantCulture)).Single();
}

/// <summary>
/// The service with two image workers (as on a two-core machine, whatever this one has, so that the memory
/// bound holds anywhere) and a worker timeout far above any decode here, so that a loaded machine cannot turn
/// a slow upload into a 422. Everything else is the defaults: Process isolation, a queue of 32.
/// </summary>
public sealed class ImageWorkerApiFixture : ApiFixture
{
    public const int Workers = 2;

    protected override IEnumerable<string> ExtraArguments =>
        [$"--Images:Workers={Workers}", "--Images:WorkerTimeout=00:02:00"];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ImageWorkerTestGroup : ICollectionFixture<ImageWorkerApiFixture>
{
    public const string Name = "image-workers";
}

/// <summary>Resident memory from /proc (Linux): this process's (the service's) and its image workers'.</summary>
internal static class ProcessMemory
{
    /// <summary>The peak resident set (VmHWM) of process <paramref name="pid"/> in bytes.</summary>
    public static long PeakResident(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024)
            .Single();

    /// <summary>Resets the kernel's peak-RSS mark (VmHWM) of process <paramref name="pid"/> to its current RSS.</summary>
    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    /// <summary>Collects garbage, resets this process's peak-RSS mark and returns its RSS now.</summary>
    public static long ResetOwnPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        ResetPeak(Environment.ProcessId);
        return PeakResident(Environment.ProcessId);
    }

    /// <summary>This process's peak RSS since <see cref="ResetOwnPeak"/>.</summary>
    public static long OwnPeak() => PeakResident(Environment.ProcessId);
}
