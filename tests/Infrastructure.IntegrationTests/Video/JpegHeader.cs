namespace AbParts.Infrastructure.IntegrationTests.Video;

/// <summary>Reads a JPEG's frame size from its start-of-frame marker, without any decoder.</summary>
public static class JpegHeader
{
    /// <exception cref="FormatException">Not a JPEG, or no start-of-frame marker before the image data.</exception>
    public static (int Width, int Height) Size(byte[] jpeg)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        if (jpeg is not [0xFF, 0xD8, ..])
        {
            throw new FormatException("Not a JPEG: it does not start with FF D8.");
        }

        var at = 2;
        while (at + 9 < jpeg.Length)
        {
            if (jpeg[at] != 0xFF)
            {
                throw new FormatException($"Expected a marker at byte {at}.");
            }

            var marker = jpeg[at + 1];
            var length = (jpeg[at + 2] << 8) | jpeg[at + 3];

            // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return ((jpeg[at + 7] << 8) | jpeg[at + 8], (jpeg[at + 5] << 8) | jpeg[at + 6]);
            }

            if (marker == 0xDA)
            {
                break;
            }

            at += 2 + length;
        }

        throw new FormatException("No start-of-frame marker before the image data.");
    }
}
