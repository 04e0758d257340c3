using System.Runtime.InteropServices;
using AbParts.Infrastructure.Imaging.Native;

namespace AbParts.Infrastructure.Imaging.Webp;

/// <summary>
/// Lossy WebP through libwebp directly (<c>abparts_webp.c</c>, ADR 0015): the configuration libvips'
/// <c>webpsave</c> builds, plus libwebp's second analysis thread, which libvips 8.14 does not expose.
/// Used for the 8-bit RGB and RGBA images the pipeline holds in memory; libvips encodes anything else.
/// </summary>
internal static unsafe partial class WebpEncoder
{
    /// <summary>Whether <paramref name="image"/> can be encoded here: 8-bit RGB or RGBA pixels in memory, and the library loads.</summary>
    public static bool CanEncode(VipsImageHandle image) =>
        ImagingLibrary.IsAvailable && VipsImage.Format(image) == VipsNative.FormatUChar && VipsImage.Bands(image) is 3 or 4
        && VipsNative.ImageGetData(image) != IntPtr.Zero;

    /// <summary>The WebP file of <paramref name="image"/> at <paramref name="quality"/> with libwebp's <paramref name="effort"/> (its <c>method</c>, 0–6). Holds no metadata.</summary>
    /// <exception cref="VipsException">libwebp failed (out of memory).</exception>
    public static byte[] Encode(VipsImageHandle image, int quality, int effort)
    {
        var pixels = VipsNative.ImageGetData(image); // a memory image: its own buffer, nothing computed
        var error = stackalloc byte[ImagingLibrary.ErrorCapacity];
        error[0] = 0;
        if (EncodeNative((byte*)pixels, VipsImage.Width(image), VipsImage.Height(image), VipsImage.Bands(image), quality, effort,
                out var output, out var length, error, ImagingLibrary.ErrorCapacity) != 0)
        {
            throw new VipsException("webp: " + ImagingLibrary.Message(new ReadOnlySpan<byte>(error, ImagingLibrary.ErrorCapacity)));
        }

        try
        {
            return new ReadOnlySpan<byte>((void*)output, checked((int)length)).ToArray();
        }
        finally
        {
            FreeNative(output);
        }
    }

    [LibraryImport(ImagingLibrary.Name, EntryPoint = "abparts_webp_encode")]
    private static partial int EncodeNative(byte* pixels, int width, int height, int bands, int quality, int method,
        out IntPtr output, out nuint length, byte* error, int errorCapacity);

    [LibraryImport(ImagingLibrary.Name, EntryPoint = "abparts_webp_free")]
    private static partial void FreeNative(IntPtr output);
}
