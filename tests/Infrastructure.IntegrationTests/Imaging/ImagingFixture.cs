using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using Microsoft.Extensions.Logging;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// The imaging tests share one processor (libvips is process-wide) and run one at a time, after the
/// parallel tests, so memory measurements and native-object counts see only their own work.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ImagingTestGroup : ICollectionFixture<ImagingFixture>
{
    public const string Name = "libvips";
}

/// <summary>The real processor, a log capture and a scratch folder of inputs made with the vips and ffmpeg CLIs.</summary>
public sealed class ImagingFixture : IDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly Lock _making = new();

    public ImagingFixture()
    {
        WorkDirectory = Directory.CreateTempSubdirectory("abparts-imaging-").FullName;
        Logs = new CapturingLoggerProvider();
        _loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        Processor = new VipsImageProcessor(_loggerFactory);
    }

    public IImageProcessor Processor { get; }

    /// <summary>For a second processor: libvips' warnings go to the latest processor's logger, so it must log here too.</summary>
    public ILoggerFactory Logging => _loggerFactory;

    public CapturingLoggerProvider Logs { get; }

    public string WorkDirectory { get; }

    /// <summary>A 640x400 sRGB JPEG photograph (quality 95, no metadata), made from a wallpaper.</summary>
    public string SmallPhotoJpeg => Make("photo-640x400.jpg",
        path => Cli.Vips("thumbnail", Wallpapers.AutumnJpeg, path + "[Q=95,strip]", "640", "--export-profile", "srgb"));

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

    /// <summary>Writes an output to the scratch folder so the CLI tools can read it back.</summary>
    public string Save(byte[] bytes, string name)
    {
        var path = Path.Combine(WorkDirectory, $"{Path.GetFileNameWithoutExtension(name)}-{Guid.NewGuid():N}{Path.GetExtension(name)}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public DecodedImage Decode(byte[] webp) => DecodedImage.Load(Save(webp, "output.webp"), WorkDirectory);

    public DecodedImage Decode(string file) => DecodedImage.Load(file, WorkDirectory);

    public void Dispose()
    {
        _loggerFactory.Dispose();
        Directory.Delete(WorkDirectory, recursive: true);
    }
}
