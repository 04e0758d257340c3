using Microsoft.Extensions.Logging;

namespace AbParts.Infrastructure.Imaging.Jpeg;

/// <summary>
/// Decodes a progressive JPEG on two cores (ADR 0015): <see cref="ProgressiveJpegSplit"/> cuts it into a
/// main stream (luma's own scans) and a chroma stream (every other scan), libjpeg reads each on its own
/// core, and libjpeg's own output pass turns the merged coefficients into RGB at the shrink-on-load
/// scale libvips would have used. The pixels are the ones a whole-file decode gives, byte for byte; only
/// the Huffman decoding, which libjpeg-turbo runs on one core and which takes most of a progressive
/// decode, is shared.
/// </summary>
/// <remarks>
/// Returns null, and the caller lets libvips decode the file as before, for everything else: baseline
/// and other non-progressive files, grey, CMYK, 12-bit, arithmetic coding, scan scripts that leave
/// coefficients unrefined, any libjpeg warning but the expected one (corrupt or truncated data) and a
/// missing native library. Thread-safe: every call has its own libjpeg objects.
/// </remarks>
internal static unsafe class ParallelJpegDecoder
{
    /// <summary>RGB pixels of a progressive JPEG at 1/<paramref name="scaleDenominator"/> of its size (1, 2, 4 or 8), or null.</summary>
    public static DecodedPixels? TryDecode(ReadOnlySpan<byte> file, int scaleDenominator, ILogger logger)
    {
        LibjpegNative.ThrowIfUnsupportedScale(scaleDenominator);

        if (!ImagingLibrary.IsAvailable)
        {
            return null;
        }

        using var split = ProgressiveJpegSplit.TrySplit(file);
        if (split is null)
        {
            return null;
        }

        fixed (byte* main = split.Main)
        fixed (byte* chroma = split.Chroma)
        {
            var mainStream = (IntPtr)main;
            var chromaStream = (IntPtr)chroma;
            var mainHandle = IntPtr.Zero;
            var chromaHandle = IntPtr.Zero;
            var mainError = new byte[LibjpegNative.ErrorCapacity];
            var chromaError = new byte[LibjpegNative.ErrorCapacity];
            try
            {
                Parallel.Invoke(
                    () =>
                    {
                        fixed (byte* error = mainError)
                        {
                            mainHandle = LibjpegNative.ReadMain((byte*)mainStream, (nuint)split.MainLength, scaleDenominator, error, mainError.Length);
                        }
                    },
                    () =>
                    {
                        fixed (byte* error = chromaError)
                        {
                            chromaHandle = LibjpegNative.ReadChroma((byte*)chromaStream, (nuint)split.ChromaLength, error, chromaError.Length);
                        }
                    });
                if (mainHandle == IntPtr.Zero || chromaHandle == IntPtr.Zero)
                {
                    logger.LogDebug("Progressive JPEG left to libvips: {Reason}", ImagingLibrary.Message(mainHandle == IntPtr.Zero ? mainError : chromaError));
                    return null;
                }

                LibjpegNative.OutputSize(mainHandle, out var width, out var height);
                var pixels = new DecodedPixels(width, height, 3, (nuint)width * (nuint)height * 3, scaleDenominator);
                fixed (byte* error = mainError)
                {
                    if (LibjpegNative.Finish(mainHandle, chromaHandle, pixels.Pointer, pixels.Length, error, mainError.Length) != 0)
                    {
                        pixels.Dispose();
                        logger.LogDebug("Progressive JPEG left to libvips: {Reason}", ImagingLibrary.Message(mainError));
                        return null;
                    }
                }

                return pixels;
            }
            finally
            {
                // freed here, after both reads have returned: Parallel.Invoke waits for both
                LibjpegNative.Free(mainHandle);
                LibjpegNative.Free(chromaHandle);
            }
        }
    }
}
