using System.Buffers.Binary;
using System.Text;

namespace AbParts.Tests.Support;

/// <summary>
/// Inputs for image tests: real photographs from Debian's plasma-workspace-wallpapers (installed by
/// ./build/test.sh) and hostile files built byte by byte.
/// </summary>
public static class SampleImages
{
    private const string Wallpapers = "/usr/share/wallpapers";

    /// <summary>A 5120x2880 JPEG photograph.</summary>
    public static byte[] LargeJpeg => File.ReadAllBytes(Find("Flow/contents/images/5120x2880.jpg"));

    /// <summary>A 2560x1600 JPEG photograph.</summary>
    public static byte[] MediumJpeg => File.ReadAllBytes(Find("Path/contents/images/2560x1600.jpg"));

    /// <summary>A 1080x1920 (portrait) PNG.</summary>
    public static byte[] PortraitPng => File.ReadAllBytes(Find("Altai/contents/images/1080x1920.png"));

    /// <summary>The first half of a real JPEG.</summary>
    public static byte[] TruncatedJpeg => MediumJpeg[..(MediumJpeg.Length / 2)];

    public static byte[] Text => Encoding.UTF8.GetBytes("This is a text file that someone renamed to photo.jpg.\n");

    public static byte[] Svg => Encoding.UTF8.GetBytes(
        """<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>""");

    /// <summary>A valid 2x2 24-bit BMP.</summary>
    public static byte[] Bmp
    {
        get
        {
            var bytes = new byte[54 + 16];
            "BM"u8.CopyTo(bytes);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), 2);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), 2);
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
            return bytes;
        }
    }

    /// <summary>A PNG whose header declares <paramref name="width"/> x <paramref name="height"/> with almost no pixel data.</summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>Width and height from a WebP's header (VP8, VP8L or VP8X), read independently of libvips.</summary>
    public static (int Width, int Height, bool HasAlpha) WebpSize(byte[] webp)
    {
        ArgumentNullException.ThrowIfNull(webp);
        if (webp.Length < 30 || Encoding.ASCII.GetString(webp, 0, 4) != "RIFF" || Encoding.ASCII.GetString(webp, 8, 4) != "WEBP")
        {
            throw new FormatException("Not a WebP file.");
        }

        var chunk = Encoding.ASCII.GetString(webp, 12, 4);
        var data = webp.AsSpan(20);
        return chunk switch
        {
            "VP8X" => (1 + (data[4] | data[5] << 8 | data[6] << 16), 1 + (data[7] | data[8] << 8 | data[9] << 16),
                (data[0] & 0x10) != 0),
            "VP8L" => (1 + ((data[1] | data[2] << 8) & 0x3FFF), 1 + ((data[2] >> 6 | data[3] << 2 | data[4] << 10) & 0x3FFF),
                (data[4] & 0x10) != 0),
            "VP8 " => (BinaryPrimitives.ReadUInt16LittleEndian(data[6..]) & 0x3FFF,
                BinaryPrimitives.ReadUInt16LittleEndian(data[8..]) & 0x3FFF, false),
            _ => throw new FormatException($"Unknown WebP chunk '{chunk}'."),
        };
    }

    private static string Find(string relative)
    {
        var path = Path.Combine(Wallpapers, relative);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException(
                $"{path} is missing: the image tests use Debian's plasma-workspace-wallpapers, which ./build/test.sh installs.");
    }
}
