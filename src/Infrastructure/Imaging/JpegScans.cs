namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// Counts the scans of a JPEG by walking its markers, without decoding. libjpeg decodes every scan of a
/// progressive JPEG over the whole coefficient buffer, and neither it nor libvips caps their number: a
/// file of a few hundred kilobytes that repeats one scan thousands of times costs seconds of CPU per
/// upload. A camera or an encoder writes one to a few dozen.
/// </summary>
internal static class JpegScans
{
    /// <summary>More scans than any encoder writes (libjpeg's progressive script has 10, mozjpeg's up to about 20).</summary>
    public const int Limit = 100;

    private const byte Marker = 0xFF;
    private const byte StartOfScan = 0xDA;
    private const byte EndOfImage = 0xD9;

    /// <summary>The scans counted before the end of the file or <paramref name="stopAfter"/>, whichever comes first.</summary>
    public static int Count(ReadOnlySpan<byte> jpeg, int stopAfter = int.MaxValue)
    {
        var scans = 0;
        var at = 2; // after SOI
        while (at + 4 <= jpeg.Length && scans < stopAfter)
        {
            if (jpeg[at] != Marker)
            {
                return scans; // not a marker where one must be: the decoder will say what is wrong
            }

            var code = jpeg[at + 1];
            if (code == Marker)
            {
                at++; // fill byte
                continue;
            }

            if (code == EndOfImage)
            {
                return scans;
            }

            var length = (jpeg[at + 2] << 8) | jpeg[at + 3];
            at += 2 + length;
            if (code == StartOfScan)
            {
                scans++;
                at = SkipEntropyCodedData(jpeg, at);
            }
        }

        return scans;
    }

    /// <summary>The position of the next marker after a scan's data: 0xFF followed by neither 0x00 (a stuffed byte) nor a restart marker.</summary>
    private static int SkipEntropyCodedData(ReadOnlySpan<byte> jpeg, int at)
    {
        while (at + 1 < jpeg.Length)
        {
            var next = jpeg[at..].IndexOf(Marker);
            if (next < 0 || at + next + 1 >= jpeg.Length)
            {
                return jpeg.Length;
            }

            at += next;
            var code = jpeg[at + 1];
            if (code != 0x00 && code is not (>= 0xD0 and <= 0xD7))
            {
                return at;
            }

            at += 2;
        }

        return jpeg.Length;
    }
}
