using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AbParts.Infrastructure.Imaging.Native;

/// <summary>
/// The process-wide libvips state: initialised once, hardened (untrusted and non-allow-listed loaders
/// blocked, no operation cache), its GLib warnings routed to logging, its error text collected, and its
/// concurrent use bounded.
/// </summary>
internal static class VipsRuntime
{
    /// <summary>
    /// The loader classes we trust, by GType name: each unblocks its file, buffer and source variants
    /// (<c>VipsForeignLoadJpegBuffer</c>, …) because <c>vips_operation_block_set</c> applies to subclasses.
    /// The HEIF loader also reads AVIF.
    /// </summary>
    internal static readonly IReadOnlyList<string> TrustedLoaderClasses =
    [
        "VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp",
        "VipsForeignLoadNsgif", "VipsForeignLoadTiff", "VipsForeignLoadHeif",
    ];

    /// <summary>
    /// The buffer loaders' class names (what <c>vips_foreign_find_load_buffer</c> answers in 8.14) mapped
    /// to the format name we report. This is the gate that refuses with a 415: in 8.14 the sniffer does not
    /// skip blocked loaders (a BMP answers <c>VipsForeignLoadMagickBuffer</c>), so the block is the second
    /// line, stopping the decode itself.
    /// </summary>
    internal static readonly FrozenDictionary<string, string> TrustedBufferLoaders = new Dictionary<string, string>
    {
        ["VipsForeignLoadJpegBuffer"] = "jpeg",
        ["VipsForeignLoadPngBuffer"] = "png",
        ["VipsForeignLoadWebpBuffer"] = "webp",
        ["VipsForeignLoadNsgifBuffer"] = "gif",
        ["VipsForeignLoadTiffBuffer"] = "tiff",
        ["VipsForeignLoadHeifBuffer"] = "heif",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Worker threads libvips may use for one image. One per image keeps per-image buffers (and glibc
    /// arenas) few; parallelism comes from running up to <see cref="Gate"/>'s count of images at once.
    /// </summary>
    internal const int ThreadsPerImage = 1;

    private const string LogDomain = "VIPS";
    private const int MaxErrorLength = 400;
    private const int MaxWarningsKept = 4;

    /// <summary>
    /// The latest libvips warnings logged on this thread. Some loaders (libspng's "invalid chunk type")
    /// fail with a warning and an empty error buffer: then these are the only explanation there is.
    /// </summary>
    [ThreadStatic]
    private static List<string>? t_warnings;

    private static readonly Lock InitLock = new();
    private static bool s_initialized;
    private static ILogger s_logger = NullLogger.Instance;

    /// <summary>Bounds concurrent native image work, process-wide, to the core count.</summary>
    internal static SemaphoreSlim Gate { get; } = new(Environment.ProcessorCount, Environment.ProcessorCount);

    /// <summary>Initialises libvips on first use (idempotent, thread-safe) and points its log messages at <paramref name="logger"/>.</summary>
    /// <exception cref="InvalidOperationException">libvips is missing or fails to start.</exception>
    internal static void EnsureInitialized(ILogger logger)
    {
        Volatile.Write(ref s_logger, logger);
        lock (InitLock)
        {
            if (s_initialized)
            {
                return;
            }

            Initialize(logger);
            s_initialized = true;
        }
    }

    private static void Initialize(ILogger logger)
    {
        if (!GlibcAllocator.Tune())
        {
            logger.LogWarning("The C library's allocator could not be tuned (not glibc?); resident memory may grow under image load");
        }
        else if (!GlibcAllocator.HugePagesRequested)
        {
            logger.LogInformation("Started without GLIBC_TUNABLES=glibc.malloc.hugetlb=1: large images decode more slowly (build/run.sh sets it; see the README, Memory)");
        }

        try
        {
            if (VipsNative.Init("abparts") != 0)
            {
                throw new InvalidOperationException($"libvips failed to start: {TakeError()}");
            }
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException(
                "libvips 8.14 (libvips.so.42) is not installed: install the Debian package libvips42 " +
                "(./build/run.sh and ./build/test.sh do).", e);
        }

        RouteGLibMessages();

        // Every upload is new: an operation cache would only hold decoded pixels of past uploads.
        VipsNative.CacheSetMax(0);
        VipsNative.ConcurrencySet(ThreadsPerImage);

        // Hardening: nothing marked untrusted (magick, PDF, SVG, PPM, FITS, …) may run, then no loader at
        // all, then only the loaders we accept (each with its file, buffer and source variants).
        VipsNative.BlockUntrustedSet(true);
        VipsNative.OperationBlockSet("VipsForeignLoad", true);
        foreach (var loader in TrustedLoaderClasses)
        {
            if (VipsNative.GTypeFromName(loader) == 0)
            {
                logger.LogWarning("libvips has no {Loader}; images of that format will be refused", loader);
                continue;
            }

            VipsNative.OperationBlockSet(loader, false);
        }

        logger.LogInformation(
            "libvips {Major}.{Minor}.{Micro} ready: loaders {Loaders}, {Threads} thread(s) per image, at most {Images} images at once",
            VipsNative.Version(0), VipsNative.Version(1), VipsNative.Version(2), string.Join(", ", TrustedLoaderClasses),
            ThreadsPerImage, Environment.ProcessorCount);
    }

    /// <summary>
    /// Takes libvips' error text (copied and cleared under its lock) and tidies it for a user-facing message:
    /// one line, duplicates and control characters removed, bounded length. The buffer is process-wide, so
    /// call this immediately after the failing call; under concurrent failures it may also hold another
    /// thread's line.
    /// </summary>
    internal static string TakeError()
    {
        var raw = VipsNative.ErrorBufferCopy();
        string? text;
        try
        {
            text = raw == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(raw);
        }
        finally
        {
            VipsNative.GFree(raw);
        }

        if (string.IsNullOrWhiteSpace(text) && t_warnings is { Count: > 0 } warnings)
        {
            text = string.Join('\n', warnings);
        }

        return Clean(text);
    }

    /// <summary>Forgets the warnings this thread has seen: call before a new image's work starts on it.</summary>
    internal static void ForgetThreadWarnings() => t_warnings?.Clear();

    /// <summary>Drops whatever libvips left in its error buffer (after a call whose failure is expected).</summary>
    internal static void DiscardError() => _ = TakeError();

    internal static string Clean(string? text)
    {
        var lines = (text ?? string.Empty)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => new string([.. line.Where(c => !char.IsControl(c))]).Trim().TrimEnd('.'))
            .Where(line => line.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (lines.Count == 0)
        {
            return "libvips reported no details";
        }

        var joined = new StringBuilder(string.Join("; ", lines));
        if (joined.Length > MaxErrorLength)
        {
            joined.Length = MaxErrorLength;
            joined.Append('…');
        }

        return joined.ToString();
    }

    /// <summary>
    /// libvips reports warnings (a truncated file it could still read, an ignored profile) with
    /// <c>g_warning</c> in the GLib log domain "VIPS", which GLib would print to stderr. Send them to
    /// Microsoft.Extensions.Logging instead.
    /// </summary>
    private static unsafe void RouteGLibMessages()
    {
        delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr, IntPtr, void> handler = &OnGLibMessage;
        VipsNative.GLogSetHandler(
            LogDomain,
            VipsNative.LogLevelCritical | VipsNative.LogLevelWarning | VipsNative.LogLevelMessage |
            VipsNative.LogFlagFatal | VipsNative.LogFlagRecursion,
            (IntPtr)handler,
            IntPtr.Zero);
    }

    /// <summary>A <c>GLogFunc</c>. Runs on whichever libvips thread logged; must never throw back into C.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnGLibMessage(IntPtr domain, int level, IntPtr message, IntPtr userData)
    {
#pragma warning disable CA1031 // an exception must not unwind into native code; dropping one log line is the lesser harm
        try
        {
            var logLevel = (level & VipsNative.LogLevelCritical) != 0 ? LogLevel.Error
                : (level & VipsNative.LogLevelWarning) != 0 ? LogLevel.Warning
                : LogLevel.Information;
            var text = Marshal.PtrToStringUTF8(message) ?? string.Empty;
            var warnings = t_warnings ??= [];
            if (warnings.Count == MaxWarningsKept)
            {
                warnings.RemoveAt(0);
            }

            warnings.Add(text);
            Volatile.Read(ref s_logger).Log(logLevel, "libvips: {Message}", text);
        }
        catch (Exception)
        {
            // nowhere to report it: the logger itself failed
        }
#pragma warning restore CA1031
    }
}
