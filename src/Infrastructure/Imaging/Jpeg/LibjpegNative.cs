using System.Runtime.InteropServices;

namespace AbParts.Infrastructure.Imaging.Jpeg;

/// <summary>
/// The JPEG entry points of <see cref="ImagingLibrary"/>, from <c>abparts_jpeg.c</c> beside this file
/// (ADR 0015). A failure is a null handle or -1 with libjpeg's message in the error buffer.
/// </summary>
internal static unsafe partial class LibjpegNative
{
    private const string Library = ImagingLibrary.Name;

    internal const int ErrorCapacity = ImagingLibrary.ErrorCapacity;

    /// <summary>The decoders ask libjpeg for 1/1, 1/2, 1/4 or 1/8 of the size, the scales libvips' shrink-on-load uses.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Any other scale.</exception>
    internal static void ThrowIfUnsupportedScale(int scaleDenominator)
    {
        if (scaleDenominator is not (1 or 2 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(scaleDenominator), scaleDenominator, "libjpeg scales by 1/1, 1/2, 1/4 or 1/8.");
        }
    }

    [LibraryImport(Library, EntryPoint = "abparts_jpeg_read_main")]
    internal static partial IntPtr ReadMain(byte* data, nuint length, int scaleDenominator, byte* error, int errorCapacity);

    [LibraryImport(Library, EntryPoint = "abparts_jpeg_read_chroma")]
    internal static partial IntPtr ReadChroma(byte* data, nuint length, byte* error, int errorCapacity);

    [LibraryImport(Library, EntryPoint = "abparts_jpeg_output_size")]
    internal static partial void OutputSize(IntPtr jpeg, out int width, out int height);

    [LibraryImport(Library, EntryPoint = "abparts_jpeg_finish")]
    internal static partial int Finish(IntPtr main, IntPtr chroma, byte* pixels, nuint capacity, byte* error, int errorCapacity);

    [LibraryImport(Library, EntryPoint = "abparts_jpeg_decode_sequential")]
    internal static partial int DecodeSequential(byte* data, nuint length, int scaleDenominator, byte* pixels, int width, int height, byte* error, int errorCapacity);

    [LibraryImport(Library, EntryPoint = "abparts_jpeg_free")]
    internal static partial void Free(IntPtr jpeg);
}
