using System.Diagnostics;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// The worker processes: a crash, a timeout or a memory limit fails only its own image (422) and the worker
/// is replaced; a full queue answers 503; workers are recycled and leave nothing behind.
/// </summary>
[Collection(ImagingTestGroup.Name)]
public sealed class WorkerPoolTests(ImagingFixture fixture)
{
    /// <summary>A flat 7000x7000 progressive 4:4:4 JPEG: half a megabyte on disk, 294 MB of coefficients to decode.</summary>
    private byte[] HugeFlatJpeg => File.ReadAllBytes(fixture.Make("flat-7000x7000-444.jpg",
        path => File.WriteAllBytes(path, HostileJpegs.FlatProgressive(7000, 7000, subsample: false))));

    [Fact]
    public async Task AWorkerKilledInTheMiddleOfAnImageFailsOnlyThatUploadAndIsReplaced()
    {
        await using var pool = fixture.NewWorkerPool(new ImageWorkerOptions { Workers = 1 });
        var photo = await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg);
        await pool.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
        var victim = pool.WorkerProcessIds.Single();
        var input = HugeFlatJpeg;
        var readBefore = BytesRead(victim);

        var upload = pool.ProcessAsync(input, new ImageOptions(), CancellationToken.None);
        (await WaitUntilAsync(() => BytesRead(victim) >= readBefore + input.Length)).Should().BeTrue("the worker reads the whole file first");

        System.Diagnostics.Process.GetProcessById(victim).Kill();

        await upload.Invoking(u => u).Should().ThrowAsync<UnprocessableMediaException>()
            .WithMessage("The image could not be processed: its worker stopped unexpectedly (killed by signal 9)*");
        var next = await pool.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
        next.Image.Width.Should().Be(640);
        pool.WorkerProcessIds.Should().ContainSingle().Which.Should().NotBe(victim);
    }

    [Fact]
    public async Task AnImageOverTheTimeIsRefusedWith422AndItsWorkerReplaced()
    {
        // The decode takes seconds; the limit is set far below it so that only the mechanism is tested.
        await using var pool = fixture.NewWorkerPool(new ImageWorkerOptions { Workers = 1, WorkerTimeout = TimeSpan.FromMilliseconds(100) });
        var first = await StartedWorker(pool);

        var act = () => pool.ProcessAsync(HugeFlatJpeg, new ImageOptions(), CancellationToken.None);

        await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The image took longer than 0.1 s to process, the limit; it was stopped.*");
        File.Exists($"/proc/{first}/status").Should().BeFalse("the worker was killed and reaped");
    }

    [Fact]
    public async Task AnImageNeedingMoreThanTheMemoryLimitIsRefusedWith422AndItsWorkerReplaced()
    {
        await using var pool = fixture.NewWorkerPool(new ImageWorkerOptions { Workers = 1, WorkerMemoryMegabytes = 128 });
        var photo = await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg);
        await pool.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
        var first = pool.WorkerProcessIds.Single();

        var act = () => pool.ProcessAsync(HugeFlatJpeg, new ImageOptions(), CancellationToken.None);

        await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The image needs more memory than the 128 MB an image worker may use*");
        (await pool.ProcessAsync(photo, new ImageOptions(), CancellationToken.None)).Image.Width.Should().Be(640);
        pool.WorkerProcessIds.Should().ContainSingle().Which.Should().NotBe(first);
    }

    [Fact]
    public async Task AnUploadFindingTheQueueFullIsAnswered503WithRetryAfter()
    {
        await using var pool = fixture.NewWorkerPool(new ImageWorkerOptions { Workers = 1, QueueLength = 1 });
        var input = HugeFlatJpeg;
        var running = pool.ProcessAsync(input, new ImageOptions(), CancellationToken.None);
        var queued = pool.ProcessAsync(input, new ImageOptions(), CancellationToken.None);
        pool.Waiting.Should().Be(1);

        var act = () => pool.ProcessAsync(input, new ImageOptions(), CancellationToken.None);

        (await act.Should().ThrowAsync<DependencyUnavailableException>().WithMessage("Every image worker is busy and 1 uploads are already waiting.*"))
            .Which.RetryAfter.Should().BePositive();
        (await running).Image.Width.Should().Be(1024);
        (await queued).Image.Width.Should().Be(1024);
    }

    [Fact]
    public async Task AWorkerIsReplacedAfterWorkerMaxJobsImages()
    {
        await using var pool = fixture.NewWorkerPool(new ImageWorkerOptions { Workers = 1, WorkerMaxJobs = 2 });
        var photo = await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg);

        await pool.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
        var first = pool.WorkerProcessIds.Single();
        await pool.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
        await pool.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        pool.WorkerProcessIds.Should().ContainSingle().Which.Should().NotBe(first);
        File.Exists($"/proc/{first}/status").Should().BeFalse("the retired worker exited and was reaped");
    }

    [Fact]
    public async Task NoWorkerProcessIsLeftWhenThePoolStops()
    {
        var pool = fixture.NewWorkerPool(new ImageWorkerOptions { Workers = 2 });
        var photo = await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg);
        await pool.StartAsync(CancellationToken.None);
        await Task.WhenAll(pool.ProcessAsync(photo, new ImageOptions(), CancellationToken.None), pool.ProcessAsync(photo, new ImageOptions(), CancellationToken.None));
        var workers = pool.WorkerProcessIds;
        workers.Should().HaveCount(2);

        await pool.StopAsync(CancellationToken.None);

        workers.Should().OnlyContain(pid => !File.Exists($"/proc/{pid}/status"), "no worker is running or left as a zombie");
    }

    [Fact]
    public async Task AWorkerKilledWhileIdleIsReplacedBeforeTheNextImageReachesIt()
    {
        await using var pool = fixture.NewWorkerPool(new ImageWorkerOptions { Workers = 1 });
        var worker = await StartedWorker(pool);
        Process.GetProcessById(worker).Kill();
        await WaitUntilAsync(() => !File.Exists($"/proc/{worker}/stat")); // reaped by the runtime: it knows it exited

        var result = await pool.ProcessAsync(await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg), new ImageOptions(), CancellationToken.None);

        result.Image.Bytes.Should().NotBeEmpty("the upload is not blamed for a worker that died before it");
        pool.WorkerProcessIds.Should().ContainSingle().Which.Should().NotBe(worker);
    }

    [Fact]
    public async Task AWorkerOutlivesTheThreadThatStartedIt()
    {
        // Linux ties PR_SET_PDEATHSIG to the forking thread, and thread-pool threads retire when idle: a worker
        // must not die with the thread that happened to start it.
        await using var pool = fixture.NewWorkerPool(new ImageWorkerOptions { Workers = 1 });
        var worker = 0;
        var thread = "";
        var starter = new Thread(() =>
        {
            thread = new FileInfo("/proc/thread-self").LinkTarget!; // "<pid>/task/<tid>"
            worker = StartedWorker(pool).GetAwaiter().GetResult();
        }); // ends once the worker is ready
        starter.Start();
        starter.Join();
        // Gone from the kernel's task list: its exit, and any death signal it sends, has happened.
        (await WaitUntilAsync(() => !Directory.Exists($"/proc/{thread}"))).Should().BeTrue();

        var result = await pool.ProcessAsync(await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg), new ImageOptions(), CancellationToken.None);

        result.Image.Bytes.Should().NotBeEmpty();
        pool.WorkerProcessIds.Should().Equal([worker], "the worker that the ended thread started is still the one working");
    }

    [Fact]
    public async Task AWorkerExitsWhenTheServiceThatStartedItDies()
    {
        // A stand-in service: a shell that starts a worker as its own child (input held open), then is killed.
        using var shell = Process.Start(new ProcessStartInfo("bash",
            ["-c", $"dotnet '{ServiceExecutable.Path}' image-worker --memory-mb 512 < <(sleep 600) & echo $!; wait"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var worker = int.Parse((await shell.StandardOutput.ReadLineAsync())!, System.Globalization.CultureInfo.InvariantCulture);
        await WaitUntilAsync(() => File.Exists($"/proc/{worker}/status") && Parent(worker) == shell.Id);

        shell.Kill();
        await shell.WaitForExitAsync();
        var exited = await WaitUntilAsync(() => !IsRunning(worker));

        exited.Should().BeTrue("a worker whose service is gone exits instead of running on unattended");
    }

    [Fact]
    public async Task AWorkerThatCannotStartIsAnswered503()
    {
        await using var broken = fixture.NewWorkerPool(new ImageWorkerOptions { Workers = 1 }, workerAssembly: Path.Combine(fixture.WorkDirectory, "missing.dll"));

        var act = async () => await broken.ProcessAsync(await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg), new ImageOptions(), CancellationToken.None);

        await act.Should().ThrowAsync<DependencyUnavailableException>().WithMessage("Image processing is unavailable right now*");
    }

    [Fact]
    public async Task EightConcurrent49MegapixelProgressiveJpegsSucceedWithinBoundedMemory()
    {
        // Two workers (the core count here) decode at once; the other uploads wait in the queue. Each worker
        // holds one image's coefficients (about 300 MB); the service holds the uploads and the answers.
        await using var pool = fixture.NewWorkerPool(new ImageWorkerOptions { Workers = 2, WorkerMaxJobs = 100 });
        var input = HugeFlatJpeg;
        (7000L * 7000).Should().BeLessThan(new ImageOptions().MaxInputPixels);
        var baseline = MemoryProbe.ResetPeak();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => pool.ProcessAsync(input, new ImageOptions(), CancellationToken.None)));

        results.Should().OnlyContain(r => r.Image.Width == 1024 && r.Image.Height == 1024);
        var service = MemoryProbe.Peak() - baseline;
        var workers = pool.WorkerProcessIds.Select(ProcessMemory.PeakResident).ToList();
        workers.Should().HaveCount(2).And.OnlyContain(peak => peak < WorkerPeakBound, "each worker decodes one image at a time");
        service.Should().BeLessThan(ServiceGrowthBound, "the service only holds uploads and answers: grew by {0} MB", service >> 20);
    }

    /// <summary>One 7000x7000 4:4:4 progressive JPEG's coefficients (294 MB) and libvips' buffers, with room.</summary>
    private const long WorkerPeakBound = 500L << 20;

    private const long ServiceGrowthBound = 150L << 20;

    /// <summary>The pool's one worker, once it has started (it starts with the first image if the pool was not started with a host).</summary>
    private static async Task<int> StartedWorker(WorkerPoolImageProcessor pool)
    {
        await pool.StartAsync(CancellationToken.None);
        (await WaitUntilAsync(() => pool.WorkerProcessIds.Count > 0)).Should().BeTrue("a worker is ready within 30 s");
        return pool.WorkerProcessIds.Single();
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        return condition();
    }

    /// <summary>Fields of /proc/PID/stat after the command name: state, then the parent's pid.</summary>
    private static string[] Stat(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static int Parent(int pid) => int.Parse(Stat(pid)[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Running: it exists and is not a zombie waiting to be reaped by its new parent.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            return Stat(pid)[0] != "Z";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static long BytesRead(int pid) =>
        File.ReadLines($"/proc/{pid}/io").Where(l => l.StartsWith("rchar:", StringComparison.Ordinal))
            .Select(l => long.Parse(l[6..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).Single();
}
