using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetVips;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// The imaging tests share the processors and run one at a time, after the parallel tests, so memory
/// measurements see only their own work.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ImagingTestGroup : ICollectionFixture<ImagingFixture>
{
    public const string Name = "images";
}

/// <summary>
/// The real processors of both isolation modes (the worker pool runs the service's own executable), a log
/// capture, and a scratch folder of inputs made with NetVips.
/// </summary>
public sealed class ImagingFixture : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly Lock _making = new();
    private readonly InProcessImageProcessor _inProcess;
    private readonly WorkerPoolImageProcessor _workers;

    public ImagingFixture()
    {
        WorkDirectory = Directory.CreateTempSubdirectory("abparts-imaging-").FullName;
        Logs = new CapturingLoggerProvider();
        _loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        _inProcess = new InProcessImageProcessor(Options.Create(new ImageWorkerOptions { Isolation = ImageIsolation.InProcess }));
        _workers = NewWorkerPool(new ImageWorkerOptions());
    }

    public CapturingLoggerProvider Logs { get; }

    public string WorkDirectory { get; }

    public IImageProcessor Processor(ImageIsolation isolation) => isolation == ImageIsolation.InProcess ? _inProcess : _workers;

    /// <summary>A pool of its own, for tests that break workers or fill the queue; dispose it.</summary>
    public WorkerPoolImageProcessor NewWorkerPool(ImageWorkerOptions options, string? workerAssembly = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.WorkerAssembly = workerAssembly ?? ServiceExecutable.Path;
        return new WorkerPoolImageProcessor(Options.Create(options), _loggerFactory.CreateLogger<WorkerPoolImageProcessor>());
    }

    /// <summary>A 640x400 sRGB JPEG photograph (quality 95, no metadata), made from a wallpaper.</summary>
    public string SmallPhotoJpeg => Make("photo-640x400.jpg", path =>
    {
        using var photo = Image.Thumbnail(Wallpapers.AutumnJpeg, 640, height: 400, size: Enums.Size.Force, outputProfile: "srgb");
        photo.Jpegsave(path, q: 95, keep: Enums.ForeignKeep.None);
    });

    /// <summary>The file <paramref name="name"/> in the scratch folder, made by <paramref name="make"/> on first use.</summary>
    public string Make(string name, Action<string> make)
    {
        ArgumentNullException.ThrowIfNull(make);
        var path = Path.Combine(WorkDirectory, name);
        lock (_making)
        {
            if (!File.Exists(path))
            {
                make(path);
            }
        }

        return path;
    }

    /// <summary>Writes an output to the scratch folder so it can be read back as a file.</summary>
    public string Save(byte[] bytes, string name)
    {
        var path = Path.Combine(WorkDirectory, $"{Path.GetFileNameWithoutExtension(name)}-{Guid.NewGuid():N}{Path.GetExtension(name)}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public DecodedImage Decode(byte[] webp) => DecodedImage.Load(Save(webp, "output.webp"));

    public async ValueTask DisposeAsync()
    {
        await _workers.DisposeAsync();
        _loggerFactory.Dispose();
        Directory.Delete(WorkDirectory, recursive: true);
    }
}
