using NetVips;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// The process-wide libvips settings, applied once before the first image: no operation cache (every
/// upload is new), one thread per image (parallelism comes from running images side by side), and every
/// loader blocked but the six we accept, so that SVG, PDF, PPM, BMP, FITS or Matlab files cannot reach
/// a decoder even if the sniffer were fooled.
/// </summary>
internal static class LibVips
{
    /// <summary>Loader classes we unblock; each covers its file, buffer and source variants. HEIF also reads AVIF.</summary>
    internal static readonly IReadOnlyList<string> TrustedLoaderClasses =
    [
        "VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp",
        "VipsForeignLoadNsgif", "VipsForeignLoadTiff", "VipsForeignLoadHeif",
    ];

    private const int WarningsKept = 4;

    private static readonly Lazy<bool> Started = new(Start);

    /// <summary>
    /// The latest warnings, process-wide: libvips logs them from its own threads, not the caller's. A
    /// worker runs one image at a time, so there they belong to that image; in process they may mix.
    /// </summary>
    private static readonly List<string> Recent = [];

    /// <summary>Where every libvips warning also goes (the worker writes them to its standard error).</summary>
    public static event Action<string>? Warning;

    public static void EnsureStarted() => _ = Started.Value;

    /// <summary>The warnings libvips logged since the last call, then forgets them.</summary>
    public static IReadOnlyList<string> TakeWarnings()
    {
        lock (Recent)
        {
            string[] warnings = [.. Recent];
            Recent.Clear();
            return warnings;
        }
    }

    private static bool Start()
    {
        if (!ModuleInitializer.VipsInitialized)
        {
            throw new InvalidOperationException(
                $"libvips did not start: {ModuleInitializer.Exception?.Message ?? "unknown reason"}. It comes with the NetVips.Native package.");
        }

        Cache.Max = 0;
        Cache.MaxFiles = 0;
        Cache.MaxMem = 0;
        NetVips.NetVips.Concurrency = 1;
        Operation.Block("VipsForeignLoad", true);
        foreach (var loader in TrustedLoaderClasses)
        {
            Operation.Block(loader, false);
        }

        Log.SetLogHandler("VIPS", Enums.LogLevelFlags.Warning, (_, _, message) => Record(message));
        return true;
    }

    private static void Record(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return;
        }

        lock (Recent)
        {
            if (Recent.Count == WarningsKept)
            {
                Recent.RemoveAt(0);
            }

            Recent.Add(message.Trim());
        }

        Warning?.Invoke(message.Trim());
    }
}
