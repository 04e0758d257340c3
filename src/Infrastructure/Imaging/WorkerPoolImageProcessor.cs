using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// <see cref="IImageProcessor"/> over a pool of image worker processes (<c>Images:Isolation = Process</c>, the
/// default; ADR 0017): untrusted bytes are decoded only there, so a hostile file can fail its own upload but
/// never the service. <see cref="ImageWorkerOptions.Workers"/> slots, each holding at most one worker that takes
/// one image at a time; a worker is replaced after <see cref="ImageWorkerOptions.WorkerMaxJobs"/> images, and at
/// once when it crashes, times out or runs out of memory. Started with the host, so the first upload does not
/// wait for a worker; stopped with it, leaving no process behind.
/// </summary>
public sealed class WorkerPoolImageProcessor : IImageProcessor, IHostedService, IAsyncDisposable
{
    private readonly ImageWorkerOptions _options;
    private readonly ILogger _logger;
    private readonly ProcessStartInfo _start;
    private readonly Slot[] _slots;
    private readonly ImageJobSlots<Slot> _free;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ImagingMetrics _metrics;

    public WorkerPoolImageProcessor(IOptions<ImageWorkerOptions> options, ILogger<WorkerPoolImageProcessor> logger,
        ImagingMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _start = StartInfo(_options);
        _slots = [.. Enumerable.Range(0, _options.Workers).Select(_ => new Slot())];
        _free = new ImageJobSlots<Slot>(_slots, _options.QueueLength);
        _metrics = metrics ?? new ImagingMetrics();
        _metrics.ObserveQueue(() => _free.Waiting);
    }

    /// <summary>The process ids of the workers running now (for tests and diagnostics).</summary>
    public IReadOnlyList<int> WorkerProcessIds =>
        [.. _slots.Select(s => s.Worker).Where(t => t is { IsCompletedSuccessfully: true }).Select(t => t!.Result.Id)];

    /// <summary>Image jobs waiting for a worker (for metrics, and for tests that need jobs queued).</summary>
    public int Waiting => _free.Waiting;

    public async Task<ProcessedImage> ProcessAsync(ReadOnlyMemory<byte> input, ImageOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ImagePipeline.CheckSize(input.Length, options.MaxInputBytes);
        cancellationToken.ThrowIfCancellationRequested();
        var admitted = Stopwatch.GetTimestamp();
        var queued = true;
        WorkerProcess? worker = null;
        try
        {
            var slot = await _free.TakeAsync(cancellationToken);
            queued = false;
            try
            {
                worker = await WorkerOf(slot, cancellationToken);
                if (worker.HasExited)
                {
                    // It died while idle (killed by an operator or the kernel's OOM killer): not this image's doing.
                    _logger.LogWarning("Image worker {Pid} had exited while idle; starting another", worker.Id);
                    Replace(slot, worker, "exited_idle");
                    worker = await WorkerOf(slot, cancellationToken);
                }

                _metrics.Started();
                try
                {
                    var processed = await worker.ProcessAsync(input, options, _options.WorkerTimeout, _options.WorkerMemoryMegabytes,
                        cancellationToken);
                    _metrics.Completed(Stopwatch.GetElapsedTime(admitted), null, null);
                    return processed;
                }
                finally
                {
                    _metrics.Ended();
                    if (!worker.Usable || worker.Jobs >= _options.WorkerMaxJobs)
                    {
                        Replace(slot, worker, worker.Failure ?? (worker.Usable ? "max_jobs" : "retired"));
                    }
                }
            }
            finally
            {
                _free.Release(slot);
            }
        }
        catch (Exception e)
        {
            var reason = queued && e is Application.Common.Exceptions.DependencyUnavailableException ? "queue_full" : worker?.Failure;
            _metrics.Completed(Stopwatch.GetElapsedTime(admitted), e, reason);
            throw;
        }
    }

    /// <summary>Starts every worker, without waiting for them to be ready.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var slot in _slots)
        {
            slot.Worker ??= StartWorker();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        foreach (var slot in _slots)
        {
            if (slot.Worker is { } starting && await Completed(starting) is { } worker)
            {
                await worker.DisposeAsync();
            }
        }

        _stopping.Dispose();
    }

    /// <summary>The slot's worker, started now if it has none; a start that failed is tried again.</summary>
    private async Task<WorkerProcess> WorkerOf(Slot slot, CancellationToken cancellationToken)
    {
        if (slot.Worker is { IsFaulted: true } or { IsCanceled: true })
        {
            slot.Worker = null;
        }

        try
        {
            return await (slot.Worker ??= StartWorker()).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            slot.Worker = null;
            _logger.LogError(e, "An image worker could not start");
            throw new DependencyUnavailableException("Image processing is unavailable right now: no image worker could start. Try again shortly.",
                DependencyUnavailableException.DefaultRetryAfter, e);
        }
    }

    /// <summary>Retires <paramref name="worker"/> in the background and starts its successor, ready for the next image.</summary>
    private void Replace(Slot slot, WorkerProcess worker, string reason)
    {
        _metrics.Restarted(reason);
        _ = Task.Run(async () => await worker.DisposeAsync());
        slot.Worker = _stopping.IsCancellationRequested ? null : StartWorker();
    }

    private Task<WorkerProcess> StartWorker() => WorkerProcess.StartAsync(_start, _logger, _stopping.Token);

    private static async Task<WorkerProcess?> Completed(Task<WorkerProcess> starting)
    {
        try
        {
            return await starting;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null; // never started: nothing to stop
        }
    }

    /// <summary>
    /// The service's own executable with the worker verb: <c>dotnet AbParts.WebApi.dll image-worker</c>. The
    /// worker's C libraries get the allocator settings that keep native memory from fragmenting (two arenas,
    /// buffers of 4 MB and more mapped and unmapped), and its runtime a managed heap it cannot grow past.
    /// </summary>
    /// <remarks>
    /// Two more settings keep that from costing time, measured on 2 cores with the bench's inputs: the mapped
    /// buffers come in transparent huge pages (<c>glibc.malloc.hugetlb=1</c>; the 88 MB of coefficients of a
    /// 5120x2880 progressive JPEG take 44 page faults instead of 22 000: about 500 → 250 ms), and the heap keeps
    /// up to 32 MB free between images instead of 128 KB (a fixed mapping threshold also fixes the trim
    /// threshold at glibc's default: a HEIC's decoder buffers were faulted in afresh on every image, 420 → 320 ms).
    /// The peak resident memory of a worker stays as it was (about 185 MB on those inputs). glibc reads these
    /// only at process start, which is why the service sets them here, for its workers.
    /// </remarks>
    private static ProcessStartInfo StartInfo(ImageWorkerOptions options)
    {
        var assembly = string.IsNullOrEmpty(options.WorkerAssembly)
            ? Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("Images:WorkerAssembly is not set and there is no entry assembly.")
            : options.WorkerAssembly;
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? path
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[assembly, ImageWorker.Verb, ImageWorker.MemoryOption,
                     options.WorkerMemoryMegabytes.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MALLOC_ARENA_MAX"] = "2";
        start.Environment["MALLOC_MMAP_THRESHOLD_"] = (4 << 20).ToString(CultureInfo.InvariantCulture);
        start.Environment["MALLOC_TRIM_THRESHOLD_"] = (32 << 20).ToString(CultureInfo.InvariantCulture);
        start.Environment["GLIBC_TUNABLES"] = start.Environment.TryGetValue("GLIBC_TUNABLES", out var tunables) && !string.IsNullOrEmpty(tunables)
            ? $"{tunables}:glibc.malloc.hugetlb=1"
            : "glibc.malloc.hugetlb=1";
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x10000000"; // 256 MB: uploads, answers, nothing else
        start.Environment["DOTNET_gcConcurrent"] = "0";
        return start;
    }

    private sealed class Slot
    {
        public Task<WorkerProcess>? Worker { get; set; }
    }
}
