namespace AbParts.Infrastructure.Imaging;

/// <summary>Where untrusted images are decoded (<c>Images:Isolation</c>).</summary>
public enum ImageIsolation
{
    /// <summary>In image worker processes: a hostile file can fail its own request, never the service (the default).</summary>
    Process,

    /// <summary>In the service's own process: for unit tests and debugging; no timeout or memory limit can be enforced.</summary>
    InProcess,
}

/// <summary>The <c>Images</c> settings of the image workers (the image rules themselves are <c>ImageOptions</c>).</summary>
public sealed class ImageWorkerOptions
{
    public ImageIsolation Isolation { get; set; } = ImageIsolation.Process;

    /// <summary>Images processed at once: worker processes, or threads in process. Defaults to the core count.</summary>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Uploads that may wait for a free worker; one more is answered 503 with <c>Retry-After</c>.</summary>
    public int QueueLength { get; set; } = 32;

    /// <summary>Images a worker processes before it is replaced, so that no fragmentation or leak can build up.</summary>
    public int WorkerMaxJobs { get; set; } = 200;

    /// <summary>Longest a worker may spend on one image before it is killed and the upload refused (422).</summary>
    public TimeSpan WorkerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Address space a worker may add once started (RLIMIT_AS above what it has mapped when ready). An image
    /// that needs more fails with 422 and its worker is replaced.
    /// </summary>
    public int WorkerMemoryMegabytes { get; set; } = 1024;

    /// <summary>
    /// The assembly whose <c>image-worker</c> verb runs a worker (<see cref="ImageWorker"/>): the service's own,
    /// which the web host sets. Empty: the process's entry assembly.
    /// </summary>
    public string WorkerAssembly { get; set; } = string.Empty;

    public const string Rule =
        "Images: Workers, QueueLength, WorkerMaxJobs and WorkerMemoryMegabytes must be positive (QueueLength may be 0), WorkerTimeout between 1 s and 10 min.";

    public bool IsValid() =>
        Workers > 0 && QueueLength >= 0 && WorkerMaxJobs > 0 && WorkerMemoryMegabytes > 0
        && WorkerTimeout >= TimeSpan.FromSeconds(1) && WorkerTimeout <= TimeSpan.FromMinutes(10);
}
