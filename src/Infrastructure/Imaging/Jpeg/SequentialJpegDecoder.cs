using Microsoft.Extensions.Logging;

namespace AbParts.Infrastructure.Imaging.Jpeg;

/// <summary>
/// Decodes a sequential (baseline) JPEG, the kind cameras write, in one pass with libjpeg at the
/// shrink-on-load scale libvips would have used: the pixels libvips' loader gives, byte for byte, but
/// complete in memory, where their reduction can use both cores (ADR 0015).
/// </summary>
/// <remarks>
/// Returns null, and the caller lets libvips decode the file as before, for anything but an 8-bit,
/// Huffman-coded YCbCr JPEG, for any libjpeg warning (corrupt or truncated data) and when the native
/// library is missing. Thread-safe.
/// </remarks>
internal static unsafe class SequentialJpegDecoder
{
    /// <summary>
    /// RGB pixels of the JPEG, <paramref name="width"/>x<paramref name="height"/> as its header says, at
    /// 1/<paramref name="scaleDenominator"/>, sized as libvips sizes a shrink-on-load (rounded down); or null.
    /// </summary>
    public static DecodedPixels? TryDecode(ReadOnlySpan<byte> file, int width, int height, int scaleDenominator, ILogger logger)
    {
        LibjpegNative.ThrowIfUnsupportedScale(scaleDenominator);

        if (!ImagingLibrary.IsAvailable)
        {
            return null;
        }

        var (outputWidth, outputHeight) = (Math.Max(1, width / scaleDenominator), Math.Max(1, height / scaleDenominator));
        var pixels = new DecodedPixels(outputWidth, outputHeight, 3, (nuint)outputWidth * (nuint)outputHeight * 3, scaleDenominator);
        var error = stackalloc byte[LibjpegNative.ErrorCapacity];
        error[0] = 0;
        int status;
        fixed (byte* data = file)
        {
            status = LibjpegNative.DecodeSequential(data, (nuint)file.Length, scaleDenominator, pixels.Pointer,
                outputWidth, outputHeight, error, LibjpegNative.ErrorCapacity);
        }

        if (status == 0)
        {
            return pixels;
        }

        pixels.Dispose();
        logger.LogDebug("JPEG left to libvips: {Reason}", ImagingLibrary.Message(new ReadOnlySpan<byte>(error, LibjpegNative.ErrorCapacity)));
        return null;
    }
}
