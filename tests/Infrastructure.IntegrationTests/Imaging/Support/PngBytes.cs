using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AbParts.Infrastructure.IntegrationTests.Imaging.Support;

/// <summary>
/// Writes PNGs byte by byte, so a test can choose what encoders never vary (the filter of each row, how the zlib
/// stream is split into IDAT chunks, extra chunks) and break what they never break (CRCs, lengths, the stream).
/// Independent of the decoder under test: the filters are applied from the specification's formulas.
/// <see cref="Pixels"/> are the unfiltered rows, packed, one byte per sample (a palette index for palette images).
/// </summary>
public sealed record PngBytes(int Width, int Height, byte ColourType, byte[] Pixels)
{
    public const byte Grey = 0;
    public const byte Rgb = 2;
    public const byte Palette = 3;
    public const byte GreyAlpha = 4;
    public const byte Rgba = 6;

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>The filter type of each row (0–4); row y gets <c>Filter(y)</c>. None by default.</summary>
    public Func<int, byte> Filter { get; init; } = _ => 0;

    /// <summary>How many IDAT chunks the zlib stream is cut into (roughly equal parts; empty ones when there are more chunks than bytes).</summary>
    public int IdatChunks { get; init; } = 1;

    public byte[]? PaletteEntries { get; init; }

    public byte[]? Transparency { get; init; }

    /// <summary>Chunks written between IHDR and the first IDAT (e.g. gAMA, iCCP, acTL).</summary>
    public IReadOnlyList<(string Type, byte[] Data)> ChunksBeforeImage { get; init; } = [];

    /// <summary>Chunks written between the last IDAT and IEND (e.g. tEXt).</summary>
    public IReadOnlyList<(string Type, byte[] Data)> ChunksAfterImage { get; init; } = [];

    public int Samples => ColourType switch { Grey or Palette => 1, GreyAlpha => 2, Rgb => 3, _ => 4 };

    /// <summary>Random pixels (seeded), with runs and smooth stretches so every filter has something to do.</summary>
    public static byte[] RandomPixels(int width, int height, int samples, int seed, int maxValue = 255)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * samples];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (i / samples % 7) switch
            {
                0 or 1 => (byte)random.Next(maxValue + 1),
                2 => i >= samples ? pixels[i - samples] : (byte)0,
                _ => (byte)Math.Min(maxValue, ((i * 31) + (i / (width * samples) * 17)) % 256),
            };
        }

        return pixels;
    }

    /// <summary>The filtered scanlines, each led by its filter type: what the zlib stream holds.</summary>
    public byte[] FilteredRows()
    {
        var rowBytes = Width * Samples;
        var bpp = Samples;
        var filtered = new byte[Height * (rowBytes + 1)];
        for (var y = 0; y < Height; y++)
        {
            var filter = Filter(y);
            filtered[y * (rowBytes + 1)] = filter;
            for (var x = 0; x < rowBytes; x++)
            {
                int raw = Pixels[(y * rowBytes) + x];
                var a = x >= bpp ? Pixels[(y * rowBytes) + x - bpp] : 0;
                var b = y > 0 ? Pixels[((y - 1) * rowBytes) + x] : 0;
                var c = x >= bpp && y > 0 ? Pixels[((y - 1) * rowBytes) + x - bpp] : 0;
                var predicted = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new ArgumentOutOfRangeException(nameof(Filter), filter, "Filter types are 0–4."),
                };
                filtered[(y * (rowBytes + 1)) + 1 + x] = (byte)(raw - predicted);
            }
        }

        return filtered;
    }

    /// <summary>The filtered rows, zlib-compressed.</summary>
    public byte[] ZlibStream() => Zlib(FilteredRows());

    /// <summary>The whole file, its zlib stream replaced by <paramref name="zlib"/> when given.</summary>
    public byte[] ToArray(byte[]? zlib = null)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a]);
        png.Write(Ihdr(Width, Height, ColourType));
        foreach (var (type, data) in ChunksBeforeImage)
        {
            png.Write(Chunk(type, data));
        }

        if (PaletteEntries is not null)
        {
            png.Write(Chunk("PLTE", PaletteEntries));
        }

        if (Transparency is not null)
        {
            png.Write(Chunk("tRNS", Transparency));
        }

        var stream = zlib ?? ZlibStream();
        for (var i = 0; i < IdatChunks; i++)
        {
            // with more chunks than bytes, some are empty
            png.Write(Chunk("IDAT", stream[(i * stream.Length / IdatChunks)..((i + 1) * stream.Length / IdatChunks)]));
        }

        foreach (var (type, data) in ChunksAfterImage)
        {
            png.Write(Chunk(type, data));
        }

        png.Write(Chunk("IEND", []));
        return png.ToArray();
    }

    /// <summary>An IHDR chunk: 8-bit samples, deflate, adaptive filtering, not interlaced unless said.</summary>
    public static byte[] Ihdr(uint width, uint height, byte colourType, byte bitDepth = 8, byte interlace = 0)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(data, width);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), height);
        data[8] = bitDepth;
        data[9] = colourType;
        data[12] = interlace;
        return Chunk("IHDR", data);
    }

    public static byte[] Ihdr(int width, int height, byte colourType) => Ihdr((uint)width, (uint)height, colourType);

    /// <summary>Length, type, data and the CRC of type and data.</summary>
    public static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    public static byte[] Zlib(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return compressed.ToArray();
    }

    /// <summary>The standard CRC-32 (ISO 3309), bit by bit from its table, independent of the decoder's.</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xffffffffu;
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xff] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>Where the first IDAT chunk's data starts in <paramref name="png"/>.</summary>
    public static int FirstIdatData(byte[] png)
    {
        for (var offset = 8; offset + 8 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            if (Encoding.ASCII.GetString(png, offset + 4, 4) == "IDAT")
            {
                return offset + 8;
            }

            offset += 12 + length;
        }

        throw new ArgumentException("No IDAT chunk.", nameof(png));
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
