using System.Buffers.Binary;
using System.Text;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// Rewrites a WebP's RIFF container without its metadata chunks (ICCP, EXIF, XMP).
/// </summary>
/// <remarks>
/// libvips 8.14's webpsave ignores <c>strip</c> for still images (libvips/libvips#3340): it writes the
/// sRGB profile attached by the thumbnail (about 7 KB) and an EXIF block rebuilt from the input's tags,
/// GPS position included. So the pipeline strips at the container level, which also works on the later
/// libvips versions that honour <c>strip</c>. Layout: https://developers.google.com/speed/webp/docs/riff_container.
/// </remarks>
internal static class WebpContainer
{
    private const byte IccFlag = 0x20;
    private const byte AlphaFlag = 0x10;
    private const byte ExifFlag = 0x08;
    private const byte XmpFlag = 0x04;
    private const byte AnimationFlag = 0x02;

    /// <summary>The WebP without ICCP/EXIF/XMP chunks; a simple-format file (no VP8X) when nothing else needs VP8X.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed WebP container.</exception>
    public static byte[] StripMetadata(byte[] webp)
    {
        ArgumentNullException.ThrowIfNull(webp);
        var chunks = ReadChunks(webp);
        if (chunks[0].Id != "VP8X")
        {
            return webp; // simple format: one VP8/VP8L chunk, nowhere to put metadata
        }

        var kept = chunks.Skip(1).Where(c => c.Id is not ("ICCP" or "EXIF" or "XMP ")).ToList();
        var flags = (byte)(webp[chunks[0].Offset + 8] & ~(IccFlag | ExifFlag | XmpFlag));
        var simple = (flags & (AlphaFlag | AnimationFlag)) == 0 && kept.Count == 1 && kept[0].Id is "VP8 " or "VP8L";

        using var output = new MemoryStream(webp.Length);
        output.Write("RIFF\0\0\0\0WEBP"u8);
        if (!simple)
        {
            var vp8x = webp.AsSpan(chunks[0].Offset, chunks[0].TotalLength).ToArray();
            vp8x[8] = flags;
            output.Write(vp8x);
        }

        foreach (var chunk in kept)
        {
            output.Write(webp, chunk.Offset, chunk.TotalLength);
        }

        var result = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(result.Length - 8));
        return result;
    }

    private static List<Chunk> ReadChunks(byte[] webp)
    {
        if (webp.Length < 20 || !webp.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !webp.AsSpan(8, 4).SequenceEqual("WEBP"u8))
        {
            throw new InvalidDataException("The encoder did not produce a RIFF/WEBP file.");
        }

        var end = Math.Min(webp.Length, 8 + (long)BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(4)));
        var chunks = new List<Chunk>();
        for (long offset = 12; offset + 8 <= end;)
        {
            var size = (long)BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan((int)offset + 4));
            var total = 8 + size + (size & 1);
            if (offset + 8 + size > end)
            {
                throw new InvalidDataException("A WebP chunk runs past the end of the file.");
            }

            chunks.Add(new Chunk(Encoding.ASCII.GetString(webp, (int)offset, 4), (int)offset, (int)Math.Min(total, end - offset)));
            offset += total;
        }

        return chunks.Count > 0 ? chunks : throw new InvalidDataException("The WebP has no chunks.");
    }

    private readonly record struct Chunk(string Id, int Offset, int TotalLength);
}
