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
        if (scaleDenominator is not (1 or 2 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(scaleDenominator), scaleDenominator, "libjpeg scales by 1/1, 1/2, 1/4 or 1/8.");
        }

        if (!ImagingLibrary.IsAvailable)
        {
            return null;
        }

        var (outputWidth, outputHeight) = (Math.Max(1, width / scaleDenominator), Math.Max(1, height / scaleDenominator));
        var pixels = new DecodedPixels(outputWidth, outputHeight, 3, (nuint)outputWidth * (nuint)outputHeight * 3, scaleDenominator);
        var error = stackalloc byte[ParallelJpegNative.ErrorCapacity];
        error[0] = 0;
        int status;
        fixed (byte* data = file)
        {
            status = ParallelJpegNative.DecodeSequential(data, (nuint)file.Length, scaleDenominator, pixels.Pointer,
                outputWidth, outputHeight, error, ParallelJpegNative.ErrorCapacity);
        }

        if (status == 0)
        {
            return pixels;
        }

        pixels.Dispose();
        logger.LogDebug("JPEG left to libvips: {Reason}", ImagingLibrary.Message(new ReadOnlySpan<byte>(error, ParallelJpegNative.ErrorCapacity)));
        return null;
    }
}
