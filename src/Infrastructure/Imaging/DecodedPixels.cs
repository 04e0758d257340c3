using System.Runtime.InteropServices;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// An image decoded outside libvips: 8-bit samples, interleaved, rows top to bottom with no padding
/// (<see cref="Width"/> × <see cref="Bands"/> bytes each), in native memory this object owns. libvips reads
/// it in place (<see cref="Native.VipsImage.FromPixels"/>), so it must be disposed only after every image made
/// from it.
/// </summary>
/// <remarks>
/// Native rather than managed memory: a 5120x2880 RGB image is 44 MB, which on the managed heap would be a
/// zeroed large-object allocation kept until a gen-2 collection, and libvips would need it pinned anyway.
/// The buffer is not zeroed (a decoder writes every byte before handing it out) and is returned to the C
/// allocator when disposed, so large decodes do not linger.
/// </remarks>
internal sealed unsafe class DecodedPixels : IDisposable
{
    private byte* _pixels;

    /// <summary>Allocates <paramref name="capacity"/> bytes (at least the image's size) for a decoder to fill.</summary>
    /// <param name="shrink">The integer factor by which the decoder shrank the image (1: full size); see <see cref="Shrink"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension or the shrink is not positive, the bands are not 1–4, or the capacity is less than the image.</exception>
    public DecodedPixels(int width, int height, int bands, nuint capacity, int shrink = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bands, 4);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shrink);
        var length = (nuint)width * (nuint)height * (nuint)bands;
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, length);
        Width = width;
        Height = height;
        Bands = bands;
        Length = length;
        Capacity = capacity;
        Shrink = shrink;
        _pixels = (byte*)NativeMemory.Alloc(capacity);
    }

    /// <summary>The width of these pixels: the file's, or round(file's / <see cref="Shrink"/>).</summary>
    public int Width { get; }

    public int Height { get; }

    /// <summary>
    /// 1 for the image at full size; n when the decoder shrank it by n in both directions on the way (shrink-on-load,
    /// as libvips does for JPEG), libvips-style: each pixel the mean of an n × n block, each side round(side / n).
    /// </summary>
    public int Shrink { get; }

    /// <summary>Samples per pixel: 1 grey, 2 grey and alpha, 3 RGB, 4 RGBA.</summary>
    public int Bands { get; }

    /// <summary>The image's size in bytes: width × height × bands.</summary>
    public nuint Length { get; }

    /// <summary>The allocated size, at least <see cref="Length"/> (a decoder may use the tail as scratch space).</summary>
    public nuint Capacity { get; }

    /// <summary>The first byte of the first row.</summary>
    /// <exception cref="ObjectDisposedException">The memory was freed.</exception>
    public byte* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pixels is null, this);
            return _pixels;
        }
    }

    /// <summary>The image's bytes (<see cref="Length"/> of them), valid until disposed.</summary>
    /// <exception cref="ObjectDisposedException">The memory was freed.</exception>
    /// <exception cref="OverflowException">The image is 2 GB or more (the pixel limit keeps uploads far below).</exception>
    public ReadOnlySpan<byte> Span => new(Pointer, checked((int)Length));

    public void Dispose()
    {
        NativeMemory.Free(_pixels);
        _pixels = null;
    }
}
