using System.Buffers.Binary;
using NetVips;

namespace AbParts.Tests.Support;

/// <summary>JPEGs built to cost a decoder time or memory, made with NetVips and rearranged at the marker level.</summary>
public static class HostileJpegs
{
    /// <summary>
    /// A flat 2048x2048 progressive JPEG whose first luma AC scan is repeated <paramref name="repeats"/> more
    /// times. A flat image's AC scans are a few bytes (one end-of-band run), so the file stays small while
    /// every copy makes libjpeg pass over all its blocks again.
    /// </summary>
    public static byte[] RepeatedLumaAcScan(int repeats)
    {
        var jpeg = FlatProgressive(2048, 2048, subsample: true);
        var (start, end) = Scans(jpeg).First(s => IsLumaAcScan(jpeg, s.Start));
        var scan = jpeg.AsSpan(start, end - start).ToArray();
        using var file = new MemoryStream();
        file.Write(jpeg, 0, end);
        for (var i = 0; i < repeats; i++)
        {
            file.Write(scan);
        }

        file.Write(jpeg, end, jpeg.Length - end);
        return file.ToArray();
    }

    /// <summary>A progressive JPEG of one flat colour: tiny on disk, the whole image in coefficients when decoded.</summary>
    public static byte[] FlatProgressive(int width, int height, bool subsample)
    {
        using var black = Image.Black(width, height, bands: 3);
        using var flat = (black + new[] { 90.0, 140.0, 200.0 }).Cast(Enums.BandFormat.Uchar);
        using var srgb = flat.Copy(interpretation: Enums.Interpretation.Srgb);
        return srgb.JpegsaveBuffer(q: 85, interlace: true, keep: Enums.ForeignKeep.None,
            subsampleMode: subsample ? Enums.ForeignSubsample.On : Enums.ForeignSubsample.Off);
    }

    /// <summary>The number of start-of-scan markers, counted independently of the product's own counter.</summary>
    public static int ScanCount(byte[] jpeg) => Scans(jpeg).Count();

    /// <summary>Each scan from its SOS marker to the next marker after its entropy-coded data.</summary>
    private static IEnumerable<(int Start, int End)> Scans(byte[] jpeg)
    {
        var at = 2;
        while (at + 4 <= jpeg.Length && jpeg[at + 1] != 0xD9)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
            if (jpeg[at + 1] != 0xDA)
            {
                at += 2 + length;
                continue;
            }

            var end = at + 2 + length;
            while (!(jpeg[end] == 0xFF && jpeg[end + 1] != 0x00 && jpeg[end + 1] is < 0xD0 or > 0xD7))
            {
                end++;
            }

            yield return (at, end);
            at = end;
        }
    }

    /// <summary>One component (the first: luma) and a spectral band past DC.</summary>
    private static bool IsLumaAcScan(byte[] jpeg, int sos)
    {
        var components = jpeg[sos + 4];
        var spectralStart = jpeg[sos + 5 + (2 * components)];
        return components == 1 && jpeg[sos + 5] == 1 && spectralStart > 0;
    }
}
