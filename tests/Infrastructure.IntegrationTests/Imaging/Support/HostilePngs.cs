using System.Buffers.Binary;

namespace AbParts.Infrastructure.IntegrationTests.Imaging.Support;

/// <summary>
/// Broken and hostile PNGs, each one defect in an otherwise valid 64x32 RGB file. libvips refuses some of them
/// and reads others anyway (libpng's defaults are lenient about CRCs and stray data); the managed decoder
/// leaves every one to libvips.
/// </summary>
public static class HostilePngs
{
    private const int Width = 64;
    private const int Height = 32;

    public static TheoryData<string> Names =>
    [
        "truncated in the image data", "a flipped byte in the image data (bad CRC)",
        "a flipped byte in the image data (CRC fixed)", "a wrong Adler-32", "a zlib stream with a preset dictionary",
        "more image data than the rows need", "less image data than the rows need", "garbage after the zlib stream",
        "a chunk longer than the file", "width times height overflowing", "only an empty IDAT", "no IEND",
        "an unknown filter type", "a palette index without an entry", "a palette image without a palette",
        "IDAT chunks that are not consecutive", "an unknown critical chunk", "a second IHDR", "a palette after the image data",
    ];

    public static byte[] Make(string name)
    {
        var image = new PngBytes(Width, Height, PngBytes.Rgb, PngBytes.RandomPixels(Width, Height, 3, seed: 11))
        {
            Filter = y => (byte)(y % 5),
        };
        var valid = image.ToArray();
        var zlib = image.ZlibStream();
        var idat = PngBytes.FirstIdatData(valid);
        return name switch
        {
            "truncated in the image data" => valid[..(idat + (zlib.Length / 2))],
            "a flipped byte in the image data (bad CRC)" => Flip(valid, idat + (zlib.Length / 2)),
            "a flipped byte in the image data (CRC fixed)" => image.ToArray(Flip(zlib, zlib.Length / 2)),
            "a wrong Adler-32" => image.ToArray(Flip(zlib, zlib.Length - 1)),
            "a zlib stream with a preset dictionary" => image.ToArray([0x78, 0xbb, 0, 0, 0, 1, .. zlib[2..]]),
            "more image data than the rows need" => image.ToArray(PngBytes.Zlib([.. image.FilteredRows(), .. new byte[(Width * 3) + 1]])),
            "less image data than the rows need" => image.ToArray(PngBytes.Zlib(image.FilteredRows()[..^10])),
            "garbage after the zlib stream" => image.ToArray([.. zlib, .. "garbage!"u8]),
            "a chunk longer than the file" => LengthOfFirstIdat(valid, 1_000_000_000),
            "width times height overflowing" => [.. valid[..8], .. PngBytes.Ihdr(0x7fffffff, 0x7fffffff, PngBytes.Rgb), .. valid[33..]],
            "only an empty IDAT" => image.ToArray([]),
            "no IEND" => valid[..^12],
            "an unknown filter type" => image.ToArray(PngBytes.Zlib(WithFilter(image.FilteredRows(), row: 5, filter: 5))),
            "a palette index without an entry" => (image with { ColourType = PngBytes.Palette, Pixels = PngBytes.RandomPixels(Width, Height, 1, seed: 12, maxValue: 12), PaletteEntries = new byte[10 * 3] }).ToArray(),
            "a palette image without a palette" => (image with { ColourType = PngBytes.Palette, Pixels = new byte[Width * Height] }).ToArray(),
            "IDAT chunks that are not consecutive" => InsertAfterFirstIdat((image with { IdatChunks = 2 }).ToArray(), PngBytes.Chunk("tEXt", "a\0b"u8.ToArray())),
            "an unknown critical chunk" => (image with { ChunksBeforeImage = [("CRIT", [1, 2, 3])] }).ToArray(),
            "a second IHDR" => (image with { ChunksBeforeImage = [("IHDR", PngBytes.Ihdr(Width, Height, PngBytes.Rgb)[8..^4])] }).ToArray(),
            "a palette after the image data" => (image with { ColourType = PngBytes.Palette, Pixels = new byte[Width * Height], ChunksAfterImage = [("PLTE", new byte[3])] }).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = bytes.ToArray();
        copy[at] ^= 0x55;
        return copy;
    }

    private static byte[] WithFilter(byte[] filteredRows, int row, byte filter)
    {
        filteredRows[row * ((Width * 3) + 1)] = filter;
        return filteredRows;
    }

    private static byte[] LengthOfFirstIdat(byte[] png, int length)
    {
        var copy = png.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(PngBytes.FirstIdatData(png) - 8), length);
        return copy;
    }

    private static byte[] InsertAfterFirstIdat(byte[] png, byte[] chunk)
    {
        var idat = PngBytes.FirstIdatData(png);
        var end = idat + BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(idat - 8)) + 4;
        return [.. png[..end], .. chunk, .. png[end..]];
    }
}
