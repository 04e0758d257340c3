using System.Runtime.InteropServices;

namespace AbParts.Infrastructure.Imaging.Native;

/// <summary>
/// Keeps the resident memory of image work bounded on glibc. Decoding a large photograph allocates big
/// native buffers (a progressive 5120x2880 JPEG needs about 88 MB of DCT coefficients), which glibc serves
/// with <c>mmap</c> and returns to the system on free, but each such free also raises glibc's dynamic mmap
/// threshold (up to 32 MB), after which buffers of that size come from the heap arenas and stay resident,
/// fragmented, after every free. Measured here with 8 concurrent 5120x2880 uploads, round after round:
/// 440 → 675 MB and climbing with the dynamic threshold; about 110–280 MB and flat with it fixed at 4 MB.
/// </summary>
/// <remarks>
/// A fixed threshold disables the dynamic one. 4 MB rather than glibc's initial 128 KB: tiles and scan
/// lines stay in the arenas (no page faults per allocation), while whole-image buffers are mapped and
/// unmapped; 128 KB costs about 20 ms per progressive JPEG in page faults, 4 MB nothing measurable.
/// The arena count is capped too, in case <c>MALLOC_ARENA_MAX</c> (set by the project's scripts) is not.
/// Other C libraries are left alone: the calls are skipped unless glibc is present.
/// </remarks>
internal static partial class GlibcAllocator
{
    internal const int MmapThresholdBytes = 4 * 1024 * 1024;
    internal const int ArenaMax = 2;

    private const int MArenaMax = -8;       // malloc.h: M_ARENA_MAX
    private const int MMmapThreshold = -3;  // malloc.h: M_MMAP_THRESHOLD

    /// <summary>Applies the settings once per process; true when glibc took them.</summary>
    internal static bool Tune()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out _))
        {
            return false;
        }

        var arenas = Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null || Mallopt(MArenaMax, ArenaMax) == 1;
        return Mallopt(MMmapThreshold, MmapThresholdBytes) == 1 && arenas;
    }

    /// <summary>
    /// Whether the process was started with <c>GLIBC_TUNABLES=glibc.malloc.hugetlb=1</c> (as the project's
    /// scripts start it). glibc reads its tunables only at process start, so this cannot be set from here.
    /// With it, glibc asks for transparent huge pages for the buffers it maps: the 88 MB of coefficients of a
    /// 5120x2880 progressive JPEG then take 44 page faults instead of 22 000, which is about 40 ms per image
    /// (ADR 0015).
    /// </summary>
    internal static bool HugePagesRequested =>
        (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? string.Empty).Split(':').Contains("glibc.malloc.hugetlb=1");

    /// <summary><c>int mallopt(int param, int value)</c>: 1 on success, 0 on error.</summary>
    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int Mallopt(int param, int value);
}
