using System.Text;
using AbParts.Domain.Files;

namespace AbParts.Domain.UnitTests;

/// <summary>A chat file's type comes from its bytes; a claim may only confirm it.</summary>
public sealed class ChatFileTypeTests
{
    /// <summary>An ISO BMFF <c>ftyp</c> box with a major brand and compatible brands, then padding.</summary>
    private static byte[] Ftyp(string major, params string[] compatible)
    {
        var box = new List<byte>();
        var length = 16 + (4 * compatible.Length);
        box.AddRange([(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length]);
        box.AddRange("ftyp"u8.ToArray());
        box.AddRange(Encoding.ASCII.GetBytes(major));
        box.AddRange([0, 0, 0, 0]);
        foreach (var brand in compatible)
        {
            box.AddRange(Encoding.ASCII.GetBytes(brand));
        }

        return [.. box, .. new byte[64]];
    }

    public static TheoryData<string, byte[], string> Recognised() => new()
    {
        { "JPEG", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F'], "jpeg" },
        { "PNG", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "png" },
        { "GIF89a", "GIF89a\x01\0\x01\0"u8.ToArray(), "gif" },
        { "WebP", "RIFF\x24\0\0\0WEBPVP8 "u8.ToArray(), "webp" },
        { "TIFF, little-endian", "II*\0\x08\0\0\0"u8.ToArray(), "tiff" },
        { "TIFF, big-endian", "MM\0*\0\0\0\x08"u8.ToArray(), "tiff" },
        { "HEIC", Ftyp("heic", "mif1", "heic"), "heic" },
        { "HEIF with a generic brand", Ftyp("mif1", "mif1", "miaf"), "heic" },
        { "AVIF", Ftyp("avif", "avif", "mif1", "miaf"), "avif" },
        { "AVIF behind a generic major brand", Ftyp("mif1", "avif", "mif1"), "avif" },
        { "PDF", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"u8.ToArray(), "pdf" },
        { "ASCII text", "Pump P-100: replace the seal every 2000 h.\r\n"u8.ToArray(), "text" },
        { "UTF-8 text with a byte-order mark", [0xEF, 0xBB, 0xBF, .. "Größe: 10 mm\tok\n"u8.ToArray()], "text" },
    };

    [Theory]
    [MemberData(nameof(Recognised))]
    public void TheBytesNameTheType(string what, byte[] header, string type)
    {
        var detected = ChatFileType.Detect(header, complete: true);

        detected.Should().NotBeNull(what);
        detected!.Name.Should().Be(type, what);
    }

    public static TheoryData<string, byte[]> Refused() => new()
    {
        { "nothing", [] },
        { "only spaces", "  \n\t "u8.ToArray() },
        { "a Windows executable", [(byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF] },
        { "an ELF executable", [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0] },
        { "a shell script", "#!/bin/sh\nrm -rf /\n"u8.ToArray() },
        { "HTML", "<!DOCTYPE html><script>alert(1)</script>"u8.ToArray() },
        { "HTML after blank lines", "\n\n   <html><body onload=alert(1)>"u8.ToArray() },
        { "SVG", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray() },
        { "text with a NUL", "abc\0def"u8.ToArray() },
        { "text with an escape sequence", "abc\x1b[2Jdef"u8.ToArray() },
        { "invalid UTF-8", [(byte)'a', 0xC3, 0x28, (byte)'b'] },
        { "a MP4 video", Ftyp("isom", "isom", "mp42") },
        { "a ZIP archive", [(byte)'P', (byte)'K', 3, 4, 20, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void AnythingElseHasNoType(string what, byte[] header) =>
        ChatFileType.Detect(header, complete: true).Should().BeNull(what);

    [Fact]
    public void AUtf8SequenceCutByTheEndOfTheHeaderIsNotHeldAgainstTheText()
    {
        var text = Encoding.UTF8.GetBytes(new string('ä', ChatFileType.HeaderLength)); // two bytes each
        var header = text.AsSpan(0, ChatFileType.HeaderLength - 1); // ends inside an 'ä'

        ChatFileType.Detect(header, complete: false).Should().Be(ChatFileType.Text);
        ChatFileType.Detect(header, complete: true).Should().BeNull("a whole file may not end mid-character");
    }

    [Theory]
    [InlineData("photo.jpg", "image/jpeg", true)]
    [InlineData("PHOTO.JPEG", null, true)]
    [InlineData("photo", "application/octet-stream", true)]
    [InlineData(null, null, true)]
    [InlineData("photo.png", "image/jpeg", false)]
    [InlineData("photo.jpg", "image/png", false)]
    [InlineData("photo.exe", "image/jpeg", false)]
    [InlineData("photo.jpg.html", null, false)]
    public void AClaimMayOnlyConfirmWhatTheBytesSay(string? fileName, string? contentType, bool matches) =>
        ChatFileType.Jpeg.MatchesClaim(fileName, contentType).Should().Be(matches);

    [Fact]
    public void HeifIsAcceptedAsTheClaimOfAHeic() =>
        ChatFileType.Heic.MatchesClaim("IMG_0001.HEIC", "image/heif").Should().BeTrue();

    [Fact]
    public void TextIsServedAsUtf8AndOnlyImagesAreImages()
    {
        ChatFileType.Text.ContentType.Should().Be("text/plain; charset=utf-8");
        ChatFileType.All.Where(t => t.IsImage).Select(t => t.Name).Should()
            .Equal("jpeg", "png", "gif", "webp", "tiff", "heic", "avif");
    }
}
