using System.Buffers.Binary;
using System.Text;

namespace AbParts.Tests.Support;

/// <summary>What a WebP file's RIFF container and bitstream headers say, read here without libvips.</summary>
/// <param name="Chunks">The top-level chunk ids in file order, e.g. <c>VP8X, ALPH, VP8 </c>.</param>
public sealed record WebpInfo(int Width, int Height, bool HasAlpha, bool IsAnimated, IReadOnlyList<string> Chunks);

/// <summary>A small reader of the WebP container (https://developers.google.com/speed/webp/docs/riff_container).</summary>
public static class WebpInspector
{
    public static bool HasWebpMagic(byte[] bytes) =>
        bytes.Length >= 12 && bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8) && bytes.AsSpan(8, 4).SequenceEqual("WEBP"u8);

    public static WebpInfo Read(byte[] bytes)
    {
        if (!HasWebpMagic(bytes))
        {
            throw new InvalidDataException("Not RIFF....WEBP.");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)) != bytes.Length - 8)
        {
            throw new InvalidDataException("The RIFF size does not match the file length.");
        }

        var chunks = new List<(string Id, int Payload, int Size)>();
        for (var offset = 12; offset + 8 <= bytes.Length;)
        {
            var size = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4)));
            if (offset + 8 + size > bytes.Length)
            {
                throw new InvalidDataException("A chunk runs past the end of the file.");
            }

            chunks.Add((Encoding.ASCII.GetString(bytes, offset, 4), offset + 8, size));
            offset += 8 + size + (size & 1);
        }

        var ids = chunks.Select(c => c.Id).ToList();
        var first = chunks[0];
        var payload = bytes.AsSpan(first.Payload, first.Size);
        return first.Id switch
        {
            "VP8X" => new WebpInfo(
                1 + ReadUInt24(payload[4..]), 1 + ReadUInt24(payload[7..]),
                (payload[0] & 0x10) != 0, (payload[0] & 0x02) != 0 || ids.Contains("ANIM"), ids),
            "VP8L" => ReadLossless(payload, ids),
            "VP8 " => ReadLossy(payload, ids),
            _ => throw new InvalidDataException($"Unexpected first chunk '{first.Id}'."),
        };
    }

    private static WebpInfo ReadLossy(ReadOnlySpan<byte> payload, List<string> ids)
    {
        // 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
        if (payload[3] != 0x9d || payload[4] != 0x01 || payload[5] != 0x2a)
        {
            throw new InvalidDataException("The VP8 start code is missing.");
        }

        return new WebpInfo(BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]) & 0x3fff,
            BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]) & 0x3fff, false, false, ids);
    }

    private static WebpInfo ReadLossless(ReadOnlySpan<byte> payload, List<string> ids)
    {
        if (payload[0] != 0x2f)
        {
            throw new InvalidDataException("The VP8L signature is missing.");
        }

        var bits = BinaryPrimitives.ReadUInt32LittleEndian(payload[1..]);
        return new WebpInfo((int)(bits & 0x3fff) + 1, (int)((bits >> 14) & 0x3fff) + 1, ((bits >> 28) & 1) != 0, false, ids);
    }

    private static int ReadUInt24(ReadOnlySpan<byte> bytes) => bytes[0] | (bytes[1] << 8) | (bytes[2] << 16);
}
