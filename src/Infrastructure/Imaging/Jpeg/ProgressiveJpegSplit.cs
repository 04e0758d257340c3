using System.Buffers;
using System.Buffers.Binary;

namespace AbParts.Infrastructure.Imaging.Jpeg;

/// <summary>
/// A progressive JPEG cut into two streams that decode independently (ADR 0015): the <see cref="Main"/>
/// stream holds the scans of the luma component alone; the <see cref="Chroma"/> stream holds every other
/// scan (the chroma components' scans and the DC scans that interleave all three). Both carry the file's
/// frame header and tables; the main stream keeps the APPn segments too.
/// </summary>
/// <remarks>
/// This works because every AC scan of a progressive JPEG carries exactly one component (ITU-T T.81
/// G.1.1.1.1) and refines only that component's coefficients, and a DC scan refines only DC coefficients,
/// so no scan of one stream needs state from the other: the main stream gives the luma AC coefficients
/// (and the luma DC when the file codes it in a scan of its own), the chroma stream everything else.
/// Luma's AC scans outweigh the rest, so the interleaved DC scans go with the chroma ones. The split is conservative: anything it does not recognise (another frame type, a
/// DNL marker, a restart marker outside a scan, a segment running past the end) makes <see cref="TrySplit"/>
/// return null and the file goes to libvips whole, which reports any problem in its usual way.
/// The two buffers come from <see cref="ArrayPool{T}"/>; <see cref="Dispose"/> returns them.
/// </remarks>
internal sealed class ProgressiveJpegSplit : IDisposable
{
    private const byte Soi = 0xD8, Eoi = 0xD9, Sos = 0xDA, Sof2 = 0xC2, Dht = 0xC4, Dqt = 0xDB, Dri = 0xDD, Com = 0xFE;

    private byte[]? _main;
    private byte[]? _chroma;

    private ProgressiveJpegSplit(byte[] main, int mainLength, byte[] chroma, int chromaLength)
    {
        _main = main;
        _chroma = chroma;
        MainLength = mainLength;
        ChromaLength = chromaLength;
    }

    /// <summary>SOI, the file's segments but the scans that are not luma's alone, EOI.</summary>
    public ReadOnlySpan<byte> Main => _main.AsSpan(0, MainLength);

    /// <summary>SOI, the tables and the frame header in file order, the scans that are not luma's alone, EOI.</summary>
    public ReadOnlySpan<byte> Chroma => _chroma.AsSpan(0, ChromaLength);

    public int MainLength { get; }

    public int ChromaLength { get; }

    /// <summary>
    /// The two streams of a progressive, Huffman-coded, 8-bit, three-component JPEG with scans in both;
    /// null for any other file.
    /// </summary>
    public static ProgressiveJpegSplit? TrySplit(ReadOnlySpan<byte> file)
    {
        if (file.Length < 4 || file[0] != 0xFF || file[1] != Soi)
        {
            return null;
        }

        var main = ArrayPool<byte>.Shared.Rent(file.Length + 2);
        var chroma = ArrayPool<byte>.Shared.Rent(file.Length + 2);
        var split = Split(file, main, chroma);
        if (split is { } lengths)
        {
            return new ProgressiveJpegSplit(main, lengths.Main, chroma, lengths.Chroma);
        }

        ArrayPool<byte>.Shared.Return(main);
        ArrayPool<byte>.Shared.Return(chroma);
        return null;
    }

    public void Dispose()
    {
        if (_main is not null)
        {
            ArrayPool<byte>.Shared.Return(_main);
            _main = null;
        }

        if (_chroma is not null)
        {
            ArrayPool<byte>.Shared.Return(_chroma);
            _chroma = null;
        }
    }

    private static (int Main, int Chroma)? Split(ReadOnlySpan<byte> file, Span<byte> main, Span<byte> chroma)
    {
        var m = Write(main, 0, [0xFF, Soi]);
        var c = Write(chroma, 0, [0xFF, Soi]);
        Frame? frame = null;
        var (lumaScans, otherScans) = (0, 0);
        var at = 2;
        while (true)
        {
            // a marker: 0xFF, optional 0xFF fill bytes, the code
            if (at >= file.Length || file[at] != 0xFF)
            {
                return null;
            }

            while (at < file.Length && file[at] == 0xFF)
            {
                at++;
            }

            if (at >= file.Length)
            {
                return null;
            }

            var code = file[at++];
            if (code == Eoi)
            {
                break;
            }

            if (code is 0x00 or 0x01 or Soi or >= 0xD0 and <= 0xD7 || at + 2 > file.Length)
            {
                return null; // stuffing, TEM or a restart marker outside a scan, a second SOI, or no room for a length
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(file[at..]);
            if (length < 2 || at + length > file.Length)
            {
                return null;
            }

            var segment = file.Slice(at - 2, length + 2); // 0xFF, code, length, body (fill bytes before it dropped)
            var body = file.Slice(at + 2, length - 2);
            at += length;
            if (code == Sos)
            {
                if (frame is null || ScanComponents(body) is not { } scan)
                {
                    return null;
                }

                var end = EndOfEntropyData(file, at);
                var whole = file[(at - length - 2)..end];
                if (scan.Count == 1 && scan.First == frame.Luma)
                {
                    m = Write(main, m, whole);
                    lumaScans++;
                }
                else
                {
                    c = Write(chroma, c, whole);
                    otherScans++;
                }

                at = end;
                continue;
            }

            if (code == Sof2)
            {
                frame = frame is null ? Frame.Parse(body) : null; // a second frame header is an error
                if (frame is null)
                {
                    return null;
                }

                m = Write(main, m, segment);
                c = Write(chroma, c, segment);
            }
            else if (code is Dht or Dqt or Dri)
            {
                m = Write(main, m, segment);
                c = Write(chroma, c, segment);
            }
            else if (code is >= 0xE0 and <= 0xEF or Com)
            {
                m = Write(main, m, segment); // APPn (JFIF, EXIF, ICC, Adobe) and comments: the main stream's only
            }
            else
            {
                return null; // another frame type (baseline, lossless, hierarchical, arithmetic-coded) or a reserved marker
            }
        }

        if (frame is null || lumaScans == 0 || otherScans == 0)
        {
            return null;
        }

        m = Write(main, m, [0xFF, Eoi]);
        c = Write(chroma, c, [0xFF, Eoi]);
        return (m, c);
    }

    private static int Write(Span<byte> to, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(to[at..]);
        return at + bytes.Length;
    }

    /// <summary>Where a scan's entropy-coded data ends: at the first marker other than stuffing (FF 00) and restarts (FF D0–D7).</summary>
    private static int EndOfEntropyData(ReadOnlySpan<byte> file, int at)
    {
        while (true)
        {
            var next = file[at..].IndexOf((byte)0xFF);
            if (next < 0)
            {
                return file.Length; // no EOI: the loop above then finds no marker and gives up
            }

            at += next;
            var after = at + 1;
            while (after < file.Length && file[after] == 0xFF)
            {
                after++; // fill bytes before a marker
            }

            if (after >= file.Length)
            {
                return file.Length;
            }

            if (file[after] == 0x00 || file[after] is >= 0xD0 and <= 0xD7)
            {
                at = after + 1;
                continue;
            }

            return at;
        }
    }

    /// <summary>How many components a scan interleaves and the first of them; an AC scan (Ss > 0) has one.</summary>
    private static (int Count, int First)? ScanComponents(ReadOnlySpan<byte> body)
    {
        if (body.Length < 1)
        {
            return null;
        }

        var count = body[0];
        if (count is < 1 or > 4 || body.Length != 1 + (2 * count) + 3)
        {
            return null;
        }

        var spectralStart = body[1 + (2 * count)];
        if (spectralStart > 0 && count != 1)
        {
            return null; // T.81 forbids it; libjpeg would refuse it
        }

        return (count, body[1]);
    }

    /// <summary>The progressive frame header: 8-bit, three components with distinct ids, the first the luma.</summary>
    private sealed record Frame(int Luma)
    {
        public static Frame? Parse(ReadOnlySpan<byte> body)
        {
            if (body.Length != 6 + (3 * 3) || body[0] != 8 || body[5] != 3)
            {
                return null;
            }

            int height = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
            int width = BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
            var (luma, cb, cr) = (body[6], body[9], body[12]);
            if (width == 0 || height == 0 || luma == cb || luma == cr || cb == cr)
            {
                return null; // a height defined by DNL, or duplicate ids
            }

            return new Frame(luma);
        }
    }
}
