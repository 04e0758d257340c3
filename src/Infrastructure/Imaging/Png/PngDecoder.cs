using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AbParts.Infrastructure.Imaging.Png;

/// <summary>
/// Decodes the common PNGs in managed code: 8-bit samples, not interlaced, colour types grey (0), RGB (2),
/// palette (3, expanded to RGB, or RGBA with tRNS), grey and alpha (4) and RGBA (6). Everything else is left
/// to libvips (ADR 0014).
/// </summary>
/// <remarks>
/// <para>
/// Why: libvips reads PNG through libpng and Debian's zlib 1.2.13, which inflates a 5120x2880 photograph's
/// IDAT in about 105 ms; the runtime's <see cref="ZLibStream"/> (zlib-ng) takes about 25 ms, and the rows are
/// unfiltered on a second core while the next ones are inflated.
/// </para>
/// <para>
/// <b>Null means "not mine".</b> Any file this decoder does not support or does not find exactly well formed
/// gives null, never an exception: 16-bit or sub-byte samples, Adam7, APNG (<c>acTL</c>), tRNS on grey or
/// RGB (libvips adds an alpha band for it), unknown critical chunks, a chunk CRC or zlib Adler-32 that does
/// not match, chunks out of order or running past the end, a missing IEND, a zlib stream that ends early,
/// inflates to more than the rows need, or is followed by other bytes, an unknown filter type or a palette
/// index without an entry. libvips then decodes the file as it always did, and refuses it with its own error
/// text (a 422) when it is broken. All reads are bounds-checked or within ranges checked against the file's
/// length and the image's size; the output is written only inside the buffer allocated for it, whose size
/// is fixed by the header before a byte is inflated, and inflation stops at that size.
/// </para>
/// </remarks>
internal static class PngDecoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];

    private const uint IHDR = 0x49484452;
    private const uint PLTE = 0x504c5445;
    private const uint IDAT = 0x49444154;
    private const uint IEND = 0x49454e44;
    private const uint TRNS = 0x74524e53;
    private const uint ACTL = 0x6163544c;

    private const byte Grey = 0;
    private const byte Rgb = 2;
    private const byte Indexed = 3;
    private const byte GreyAlpha = 4;
    private const byte Rgba = 6;

    /// <summary>
    /// Deflate expands at most 1032:1 (a 258-byte match in under 2 bits per step); a header claiming more
    /// than that over its IDAT bytes cannot be honest, and is left to libvips without allocating anything.
    /// </summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>Images smaller than this (inflated) are unfiltered after inflating, on one thread: a second one would cost more than it saves.</summary>
    private const long PipelineThreshold = 1 << 20;

    /// <summary>
    /// Decodes <paramref name="png"/>, or returns null when it is not a PNG this decoder supports, is in any way
    /// malformed, or has more than <paramref name="maxPixels"/> pixels. Never throws for bad input.
    /// </summary>
    /// <param name="shrink">
    /// 1, or 2 to halve the image while decoding (<see cref="BoxShrinker"/>) when it has no alpha; images with
    /// alpha are always decoded at full size, since libvips shrinks those premultiplied.
    /// <see cref="DecodedPixels.Shrink"/> says what was done.
    /// </param>
    /// <returns>The pixels, 1 (grey), 2 (grey, alpha), 3 (RGB) or 4 (RGBA) bands; the caller disposes them.</returns>
    public static DecodedPixels? TryDecode(ReadOnlyMemory<byte> png, long maxPixels, int shrink = 1)
    {
        if (shrink is not (1 or BoxShrinker.Factor))
        {
            throw new ArgumentOutOfRangeException(nameof(shrink), shrink, "The decoder shrinks by 1 or 2.");
        }

        var layout = ReadLayout(png.Span, maxPixels);
        if (layout is null || layout.FilteredLength > layout.CompressedLength * MaxDeflateRatio)
        {
            return null;
        }

        if (layout.Bands is 2 or 4)
        {
            shrink = 1;
        }

        return layout.ColourType == Indexed ? DecodePalette(png, layout, shrink) : DecodeDirect(png, layout, shrink);
    }

    /// <summary>The chunks, checked: null unless every one is well formed, in order and supported.</summary>
    private static Layout? ReadLayout(ReadOnlySpan<byte> file, long maxPixels)
    {
        if (file.Length < Signature.Length + 25 || !file[..Signature.Length].SequenceEqual(Signature))
        {
            return null;
        }

        var offset = Signature.Length;
        if (!TryReadChunk(file, offset, out var type, out var data) || type != IHDR || data.Length != 13)
        {
            return null;
        }

        offset += 12 + data.Length;
        var width = BinaryPrimitives.ReadUInt32BigEndian(data);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        var bitDepth = data[8];
        var colourType = data[9];
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue
            || (long)width * height > maxPixels
            || bitDepth != 8
            || colourType is not (Grey or Rgb or Indexed or GreyAlpha or Rgba)
            || data[10] != 0 || data[11] != 0 // deflate, adaptive filtering: the only methods defined
            || data[12] != 0) // Adam7 (1) is libvips' to decode
        {
            return null;
        }

        var samples = colourType switch { Grey => 1, GreyAlpha => 2, Rgb => 3, Indexed => 1, _ => 4 };
        var rowBytes = (long)width * samples;
        if (rowBytes + 1 > int.MaxValue)
        {
            return null;
        }

        byte[]? palette = null;
        byte[]? transparency = null;
        var segments = new List<(int Offset, int Length)>();
        var idatEnded = false;
        while (true)
        {
            if (!TryReadChunk(file, offset, out type, out data))
            {
                return null; // truncated, a bad CRC or no IEND
            }

            var dataOffset = offset + 8;
            offset += 12 + data.Length;
            if (type == IDAT)
            {
                if (idatEnded)
                {
                    return null; // IDAT chunks must be consecutive
                }

                segments.Add((dataOffset, data.Length));
                continue;
            }

            idatEnded = segments.Count > 0;
            switch (type)
            {
                case IEND:
                    if (data.Length != 0 || segments.Count == 0 || (colourType == Indexed && palette is null))
                    {
                        return null;
                    }

                    return new Layout((int)width, (int)height, colourType, (int)rowBytes, samples, segments, palette, transparency);
                case PLTE:
                    if (palette is not null || idatEnded || transparency is not null || data.Length % 3 != 0
                        || data.Length is 0 or > 256 * 3 || colourType is Grey or GreyAlpha)
                    {
                        return null;
                    }

                    palette = data.ToArray();
                    break;
                case TRNS:
                    if (colourType != Indexed || palette is null || idatEnded || transparency is not null
                        || data.Length > palette.Length / 3)
                    {
                        return null; // on grey or RGB libvips turns it into an alpha band; on alpha types it is invalid
                    }

                    transparency = data.ToArray();
                    break;
                case IHDR:
                case ACTL:
                    return null; // a second header; an animated PNG
                default:
                    if ((type & 0x20000000) == 0)
                    {
                        return null; // an unknown critical chunk (upper-case first letter)
                    }

                    break; // ancillary: text, profile, gamma, … (libvips reads those from the header it opens itself)
            }
        }
    }

    /// <summary>
    /// The chunk at <paramref name="offset"/>: length, type and data within the file, the type made of ASCII
    /// letters, and the CRC over type and data matching.
    /// </summary>
    private static bool TryReadChunk(ReadOnlySpan<byte> file, int offset, out uint type, out ReadOnlySpan<byte> data)
    {
        type = 0;
        data = default;
        if (file.Length - offset < 12)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(file[offset..]);
        if (length > (uint)(file.Length - offset - 12))
        {
            return false;
        }

        var typeAndData = file.Slice(offset + 4, 4 + (int)length);
        foreach (var letter in typeAndData[..4])
        {
            if (letter is not (>= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z'))
            {
                return false;
            }
        }

        if (PngCrc32.Compute(typeAndData) != BinaryPrimitives.ReadUInt32BigEndian(file[(offset + 8 + (int)length)..]))
        {
            return false;
        }

        type = BinaryPrimitives.ReadUInt32BigEndian(typeAndData);
        data = typeAndData[4..];
        return true;
    }

    /// <summary>
    /// Grey, grey and alpha, RGB, RGBA: unfiltered in place. At full size the output is the inflated buffer
    /// itself; shrunk, the rows are shrunk as they are unfiltered, into a buffer of their own.
    /// </summary>
    private static unsafe DecodedPixels? DecodeDirect(ReadOnlyMemory<byte> png, Layout layout, int shrink)
    {
        if (shrink == 1)
        {
            var full = new DecodedPixels(layout.Width, layout.Height, layout.Bands, (nuint)layout.FilteredLength);
            try
            {
                return Inflate(png, layout, full.Pointer, shrinker: null) ? Release(ref full) : null;
            }
            finally
            {
                full?.Dispose();
            }
        }

        var (width, height) = BoxShrinker.OutputSize(layout.Width, layout.Height, shrink);
        var pixels = new DecodedPixels(width, height, layout.Bands, (nuint)width * (nuint)height * (nuint)layout.Bands, shrink);
        var filtered = (byte*)NativeMemory.Alloc((nuint)layout.FilteredLength);
        var column = (byte*)NativeMemory.Alloc((nuint)layout.RowBytes);
        try
        {
            var shrinker = new BoxShrinker(filtered, layout.Width, layout.Height, layout.Bands, pixels.Pointer, column);
            return Inflate(png, layout, filtered, shrinker) ? Release(ref pixels) : null;
        }
        finally
        {
            NativeMemory.Free(column);
            NativeMemory.Free(filtered);
            pixels?.Dispose();
        }
    }

    /// <summary>Palette: the indices unfiltered in a scratch buffer, expanded to RGB or RGBA, then shrunk if asked.</summary>
    private static unsafe DecodedPixels? DecodePalette(ReadOnlyMemory<byte> png, Layout layout, int shrink)
    {
        var indices = (byte*)NativeMemory.Alloc((nuint)layout.FilteredLength);
        DecodedPixels? full = null;
        DecodedPixels? pixels = null;
        var column = (byte*)null;
        try
        {
            if (!Inflate(png, layout, indices, shrinker: null))
            {
                return null;
            }

            full = new DecodedPixels(layout.Width, layout.Height, layout.Bands, (nuint)layout.Width * (nuint)layout.Height * (nuint)layout.Bands);
            if (!Expand(layout, indices, full.Pointer))
            {
                return null;
            }

            if (shrink == 1)
            {
                return Release(ref full);
            }

            var (width, height) = BoxShrinker.OutputSize(layout.Width, layout.Height, shrink);
            pixels = new DecodedPixels(width, height, layout.Bands, (nuint)width * (nuint)height * (nuint)layout.Bands, shrink);
            column = (byte*)NativeMemory.Alloc((nuint)layout.Width * (nuint)layout.Bands);
            new BoxShrinker(full.Pointer, layout.Width, layout.Height, layout.Bands, pixels.Pointer, column).Advance(layout.Height);
            return Release(ref pixels);
        }
        finally
        {
            NativeMemory.Free(column);
            NativeMemory.Free(indices);
            full?.Dispose();
            pixels?.Dispose();
        }
    }

    /// <summary>
    /// Palette indices (unfiltered, packed at the start of <paramref name="indices"/>) to colours. False when an
    /// index has no palette entry: libpng and libvips each have their own answer to that, so it is theirs to give.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool Expand(Layout layout, byte* indices, byte* target)
    {
        var palette = layout.Palette!;
        var entries = palette.Length / 3;
        var colours = stackalloc uint[256];
        for (var i = 0; i < entries; i++)
        {
            var alpha = layout.Transparency is { } t && i < t.Length ? t[i] : (byte)255;
            colours[i] = (uint)(palette[i * 3] | (palette[(i * 3) + 1] << 8) | (palette[(i * 3) + 2] << 16) | (alpha << 24));
        }

        var bands = layout.Bands;
        var count = (nint)layout.Width * layout.Height;
        for (nint i = 0; i < count; i++)
        {
            var index = indices[i];
            if (index >= entries)
            {
                return false;
            }

            var colour = colours[index];
            target[0] = (byte)colour;
            target[1] = (byte)(colour >> 8);
            target[2] = (byte)(colour >> 16);
            if (bands == 4)
            {
                target[3] = (byte)(colour >> 24);
            }

            target += bands;
        }

        return true;
    }

    /// <summary>Hands the pixels to the caller: the local no longer owns them, so the <c>finally</c> that frees on failure leaves them alone.</summary>
    private static DecodedPixels Release(ref DecodedPixels? pixels)
    {
        var result = pixels!;
        pixels = null;
        return result;
    }

    /// <summary>
    /// Inflates the IDAT stream into <paramref name="buffer"/> (exactly <see cref="Layout.FilteredLength"/> bytes)
    /// and unfilters it in place, on a second thread for large images, handing finished rows to
    /// <paramref name="shrinker"/> if there is one. False on any zlib or filter error, or when the stream holds
    /// less or more than the image needs.
    /// </summary>
    private static unsafe bool Inflate(ReadOnlyMemory<byte> png, Layout layout, byte* buffer, BoxShrinker? shrinker)
    {
        var zeroRow = (byte*)NativeMemory.AllocZeroed((nuint)layout.RowBytes + 16);
        try
        {
            var rows = new RowUnfilterer(buffer, layout, zeroRow, shrinker);
            if (layout.FilteredLength < PipelineThreshold)
            {
                return InflateInto(png, layout, buffer, rows, pipelined: false) && rows.Run();
            }

            var unfiltering = Task.Factory.StartNew(static state => ((RowUnfilterer)state!).Run(), rows,
                CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
            var inflated = InflateInto(png, layout, buffer, rows, pipelined: true);
            return unfiltering.Result && inflated;
        }
        finally
        {
            NativeMemory.Free(zeroRow);
        }
    }

    /// <summary>Inflates, publishing progress to <paramref name="rows"/>; always ends by telling it inflation is over.</summary>
    private static unsafe bool InflateInto(ReadOnlyMemory<byte> png, Layout layout, byte* buffer, RowUnfilterer rows, bool pipelined)
    {
        var ok = false;
        try
        {
            var idat = new IdatStream(png, layout.Segments);
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
            var total = layout.FilteredLength;
            long done = 0;
            while (done < total && !rows.Failed)
            {
                var n = zlib.Read(new Span<byte>(buffer + done, (int)Math.Min(total - done, 1 << 20)));
                if (n == 0)
                {
                    return false; // ended early
                }

                done += n;
                if (pipelined)
                {
                    rows.Publish(done);
                }
            }

            // The stream must end here (its Adler-32 read and checked), and exactly at the end of the IDAT data.
            Span<byte> more = stackalloc byte[1];
            ok = done == total && zlib.Read(more) == 0 && idat.Delivered == idat.Length && !idat.ReadPastEnd;
            return ok;
        }
        catch (InvalidDataException)
        {
            return false; // zlib: a bad header, block, distance or Adler-32
        }
        catch (IOException)
        {
            return false; // zlib's other refusals (the runtime's internal ZLibException), e.g. a stream asking for a preset dictionary
        }
        finally
        {
            rows.Finish(ok ? layout.FilteredLength : -1);
        }
    }

    /// <summary>The header and where the image data lies.</summary>
    private sealed record Layout(int Width, int Height, byte ColourType, int RowBytes, int Samples,
        IReadOnlyList<(int Offset, int Length)> Segments, byte[]? Palette, byte[]? Transparency)
    {
        /// <summary>The inflated size: every row led by its filter-type byte.</summary>
        public long FilteredLength => (long)Height * (RowBytes + 1);

        public long CompressedLength => Segments.Sum(s => (long)s.Length);

        /// <summary>Bytes per complete pixel, the distance Sub, Average and Paeth look back (1 for palette indices).</summary>
        public int BytesPerPixel => Samples;

        /// <summary>Bands of the decoded pixels: palettes become RGB, or RGBA with tRNS.</summary>
        public int Bands => ColourType == Indexed ? (Transparency is null ? 3 : 4) : Samples;
    }

    /// <summary>
    /// Unfilters rows as soon as the inflater has produced them. The inflater publishes how many bytes it has
    /// written; this waits (blocking, not spinning: under load the other core is busy with another image) until
    /// a row is complete. When the inflater gives up, the unfilterer stops; when a row has an unknown filter
    /// type, the inflater stops.
    /// </summary>
    private sealed unsafe class RowUnfilterer(byte* buffer, Layout layout, byte* zeroRow, BoxShrinker? shrinker)
    {
        private readonly object _gate = new(); // Monitor.Wait/Pulse, which System.Threading.Lock does not offer
        private long _available;
        private bool _finished;
        private volatile bool _failed;

        public bool Failed => _failed;

        /// <summary>The inflater has written <paramref name="bytes"/> bytes.</summary>
        public void Publish(long bytes)
        {
            lock (_gate)
            {
                _available = bytes;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>The inflater is done: <paramref name="bytes"/> is the final count, or -1 when it failed.</summary>
        public void Finish(long bytes)
        {
            lock (_gate)
            {
                _finished = true;
                if (bytes < 0)
                {
                    _failed = true;
                }
                else
                {
                    _available = bytes;
                }

                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Unfilters every row; false if a row has an unknown filter type or the inflater failed.</summary>
        public bool Run()
        {
            var stride = (long)layout.RowBytes + 1;
            var y = 0;
            while (y < layout.Height)
            {
                long available;
                lock (_gate)
                {
                    while (!_finished && _available < (y + 1) * stride)
                    {
                        Monitor.Wait(_gate);
                    }

                    if (_failed)
                    {
                        return false;
                    }

                    available = _available;
                }

                var complete = (int)Math.Min(layout.Height, available / stride);
                if (complete <= y)
                {
                    _failed = true; // finished without the rows
                    return false;
                }

                for (; y < complete; y++)
                {
                    if (!PngUnfilter.Row(buffer, y, layout.RowBytes, layout.BytesPerPixel, zeroRow))
                    {
                        _failed = true;
                        return false;
                    }
                }

                shrinker?.Advance(y);
            }

            return true;
        }
    }
}
