using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AbParts.Infrastructure.Imaging.Png;

/// <summary>
/// libvips' shrink by 2 (<c>vips_shrink(in, &amp;out, 2, 2)</c>: <c>vips_shrinkv</c>, then <c>vips_shrinkh</c>),
/// applied to rows as a decoder produces them: each output sample is the rounded mean of two rows,
/// <c>(a + b + 1) / 2</c>, then the rounded mean of two such values along the row. The output is
/// <c>round(width / 2)</c> × <c>round(height / 2)</c>; an odd last column or row is paired with itself, as
/// libvips' edge extension does. A test compares it with <c>vips shrink</c> byte for byte.
/// </summary>
/// <remarks>
/// Why: <c>vips_thumbnail</c> of a large image first block-shrinks it by ⌊shrink ÷ 2⌋ with <c>vips_shrinkv</c>,
/// which in 8.14 clears a 16-bytes-per-sample line buffer for every output line: about 60 of the 100 ms that
/// shrinking a 5120x2880 image in memory to 1024 px costs. Done here, on rows still in cache, it costs a few
/// milliseconds on the core that unfilters them. <c>(a + b + 1) / 2</c> is exactly <c>pavgb</c>.
/// </remarks>
internal sealed unsafe class BoxShrinker
{
    /// <summary>The one factor: enough to take the costly block shrink off libvips for the common large inputs.</summary>
    public const int Factor = 2;

    private readonly byte* _source;
    private readonly int _stride;
    private readonly int _width;
    private readonly int _height;
    private readonly int _bands;
    private readonly byte* _target;
    private readonly byte* _column;
    private int _next;

    /// <param name="source">Row y of the full-size image is at <c>source + y × width × bands</c>.</param>
    /// <param name="target">Room for <see cref="OutputSize"/> pixels of <paramref name="bands"/> bytes.</param>
    /// <param name="column">Scratch for one full-size row of vertical means: <c>width × bands</c> bytes.</param>
    public BoxShrinker(byte* source, int width, int height, int bands, byte* target, byte* column)
    {
        _source = source;
        _stride = width * bands;
        _width = width;
        _height = height;
        _bands = bands;
        _target = target;
        _column = column;
        (TargetWidth, TargetHeight) = OutputSize(width, height, Factor);
    }

    public int TargetWidth { get; }

    public int TargetHeight { get; }

    /// <summary>libvips' output size for a shrink by <paramref name="factor"/>: each side divided and rounded half up (1 leaves it alone).</summary>
    public static (int Width, int Height) OutputSize(int width, int height, int factor) =>
        (RoundedQuotient(width, factor), RoundedQuotient(height, factor));

    /// <summary>The first <paramref name="rows"/> rows of the source are final: emits every output row made only of them (and, once all are, the last).</summary>
    public void Advance(int rows)
    {
        while (_next < TargetHeight && Math.Min(((long)_next * Factor) + Factor, _height) <= rows)
        {
            EmitRow(_next++);
        }
    }

    private static int RoundedQuotient(int value, int divisor) => (int)(((2L * value) + divisor) / (2L * divisor));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitRow(int row)
    {
        var first = (long)row * Factor;
        var top = _source + (first * _stride);
        var bottom = _source + (Math.Min(first + 1, _height - 1) * _stride);
        var i = 0;
        for (; i + 16 <= _stride; i += 16)
        {
            Vector128.Store(RoundedAverage(Vector128.Load(top + i), Vector128.Load(bottom + i)), _column + i);
        }

        for (; i < _stride; i++)
        {
            _column[i] = (byte)((top[i] + bottom[i] + 1) >> 1);
        }

        ShrinkRow(_column, _target + ((long)row * TargetWidth * _bands));
    }

    /// <summary>Pairs of pixels along the row, an odd last pixel paired with itself.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ShrinkRow(byte* row, byte* output)
    {
        var x = _bands is 1 or 3 && Ssse3.IsSupported ? ShrinkPairs(row, output, _bands, _width) : 0;
        for (; x < TargetWidth; x++)
        {
            var left = row + ((long)x * Factor * _bands);
            var right = row + (Math.Min(((long)x * Factor) + 1, _width - 1) * _bands);
            for (var b = 0; b < _bands; b++)
            {
                output[(x * _bands) + b] = (byte)((left[b] + right[b] + 1) >> 1);
            }
        }
    }

    /// <summary>
    /// Halves the row 16 input bytes at a time for 1 or 3 bands: one shuffle gathers the first pixel of each
    /// pair, another the second, and <c>pavgb</c> averages them. Each load stays within the row's whole pairs;
    /// returns how many output pixels it wrote, the rest being the caller's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ShrinkPairs(byte* row, byte* output, int bands, int width)
    {
        // Per step: 3 bands take 12 input bytes (2 pairs) to 6 output bytes; 1 band takes 16 to 8.
        var inputStep = bands == 3 ? 12 : 16;
        var outputStep = inputStep / 2;
        var firsts = bands == 3
            ? Vector128.Create((byte)0, 1, 2, 6, 7, 8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80)
            : Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
        var seconds = bands == 3
            ? Vector128.Create((byte)3, 4, 5, 9, 10, 11, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80)
            : Vector128.Create((byte)1, 3, 5, 7, 9, 11, 13, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
        var pairBytes = width / 2 * 2 * bands;
        var steps = pairBytes < 16 ? 0 : ((pairBytes - 16) / inputStep) + 1;
        for (var s = 0; s < steps; s++)
        {
            var input = Vector128.Load(row + (s * inputStep));
            var averaged = Sse2.Average(Ssse3.Shuffle(input, firsts), Ssse3.Shuffle(input, seconds));
            var at = output + (s * outputStep);
            if (bands == 3)
            {
                Unsafe.WriteUnaligned(at, averaged.AsUInt32().ToScalar());
                Unsafe.WriteUnaligned(at + 4, averaged.AsUInt16().GetElement(2));
            }
            else
            {
                Unsafe.WriteUnaligned(at, averaged.AsUInt64().ToScalar());
            }
        }

        return steps * outputStep / bands;
    }

    private static Vector128<byte> RoundedAverage(Vector128<byte> a, Vector128<byte> b) =>
        Sse2.IsSupported ? Sse2.Average(a, b) : (a | b) - Vector128.ShiftRightLogical(a ^ b, 1);
}
