using System.Runtime.InteropServices;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// <c>libabparts_imaging.so</c>: the project's own C, built with the Infrastructure project from
/// <c>Jpeg/abparts_jpeg.c</c> and <c>Webp/abparts_webp.c</c> against Debian's libjpeg-turbo and libwebp
/// (ADR 0015). Each entry point catches its library's errors itself; none jumps through managed frames.
/// </summary>
internal static class ImagingLibrary
{
    internal const string Name = "libabparts_imaging.so";

    /// <summary>Room for an error message (libjpeg's longest, JMSG_LENGTH_MAX, is 200).</summary>
    internal const int ErrorCapacity = 256;

    private static readonly Lazy<bool> Loads = new(() =>
        NativeLibrary.TryLoad(Name, typeof(ImagingLibrary).Assembly, DllImportSearchPath.AssemblyDirectory, out _));

    /// <summary>Whether the library loads; without it libvips decodes and encodes everything, as before.</summary>
    public static bool IsAvailable => Loads.Value;

    /// <summary>The NUL-terminated message an entry point wrote into <paramref name="error"/>.</summary>
    public static string Message(ReadOnlySpan<byte> error)
    {
        var length = error.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(error[..(length < 0 ? error.Length : length)]);
    }
}
