using System.Text;
using System.Text.Unicode;

namespace AbParts.Domain.Files;

/// <summary>
/// The kinds of file a chat message may carry, told by their content, never by the client's claim alone:
/// the image formats of the pipeline, PDF and plain UTF-8 text. Executables, SVG, HTML and anything else
/// have no type here, so they are refused. A claim (file name, declared content type) may only confirm what
/// the bytes say.
/// </summary>
public sealed record ChatFileType(string Name, string ContentType, bool IsImage, IReadOnlyList<string> Extensions)
{
    public static readonly ChatFileType Jpeg = new("jpeg", "image/jpeg", true, [".jpg", ".jpeg", ".jpe", ".jfif"]);
    public static readonly ChatFileType Png = new("png", "image/png", true, [".png"]);
    public static readonly ChatFileType Gif = new("gif", "image/gif", true, [".gif"]);
    public static readonly ChatFileType Webp = new("webp", "image/webp", true, [".webp"]);
    public static readonly ChatFileType Tiff = new("tiff", "image/tiff", true, [".tif", ".tiff"]);
    public static readonly ChatFileType Heic = new("heic", "image/heic", true, [".heic", ".heif", ".hif"]);
    public static readonly ChatFileType Avif = new("avif", "image/avif", true, [".avif"]);
    public static readonly ChatFileType Pdf = new("pdf", "application/pdf", false, [".pdf"]);
    public static readonly ChatFileType Text = new("text", "text/plain; charset=utf-8", false, [".txt", ".text", ".log", ".md", ".csv"]);

    public static IReadOnlyList<ChatFileType> All { get; } = [Jpeg, Png, Gif, Webp, Tiff, Heic, Avif, Pdf, Text];

    /// <summary>How much of a file's start <see cref="Detect"/> looks at.</summary>
    public const int HeaderLength = 8192;

    private static readonly string[] HeifBrands = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"];
    private static readonly string[] AvifBrands = ["avif", "avis"];

    /// <summary>
    /// The type the file's first bytes (up to <see cref="HeaderLength"/>) announce, or <c>null</c> for
    /// anything we do not accept. <paramref name="complete"/> says the header is the whole file, so text
    /// may end anywhere; otherwise a UTF-8 sequence cut by the header's end is not held against it.
    /// </summary>
    public static ChatFileType? Detect(ReadOnlySpan<byte> header, bool complete)
    {
        if (header.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF }))
        {
            return Jpeg;
        }

        if (header.StartsWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            return Png;
        }

        if (header.StartsWith("GIF87a"u8) || header.StartsWith("GIF89a"u8))
        {
            return Gif;
        }

        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
        {
            return Webp;
        }

        if (header.StartsWith("II*\0"u8) || header.StartsWith("MM\0*"u8))
        {
            return Tiff;
        }

        if (header.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }

        return IsoMediaType(header) ?? (IsPlainText(header, complete) ? Text : null);
    }

    /// <summary>
    /// Whether a client's claim agrees with this type: a file name's extension, when it has one, is one of
    /// this type's; a declared content type, unless absent or the generic <c>application/octet-stream</c>,
    /// is this type's.
    /// </summary>
    public bool MatchesClaim(string? fileName, string? contentType)
    {
        var extension = Path.GetExtension(fileName);
        if (!string.IsNullOrEmpty(extension) && !Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        var declared = contentType?.Split(';')[0].Trim();
        return string.IsNullOrEmpty(declared)
               || string.Equals(declared, "application/octet-stream", StringComparison.OrdinalIgnoreCase)
               || string.Equals(declared, ContentType.Split(';')[0], StringComparison.OrdinalIgnoreCase)
               || (this == Heic && string.Equals(declared, "image/heif", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>HEIC/HEIF or AVIF by the ISO BMFF <c>ftyp</c> box: its major brand, then its compatible brands.</summary>
    private static ChatFileType? IsoMediaType(ReadOnlySpan<byte> header)
    {
        if (header.Length < 16 || !header[4..8].SequenceEqual("ftyp"u8))
        {
            return null;
        }

        var boxLength = (int)Math.Min((uint)(header[0] << 24 | header[1] << 16 | header[2] << 8 | header[3]), (uint)header.Length);
        var brands = new List<string> { Encoding.ASCII.GetString(header[8..12]) };
        for (var at = 16; at + 4 <= boxLength; at += 4)
        {
            brands.Add(Encoding.ASCII.GetString(header[at..(at + 4)]));
        }

        if (brands.Any(AvifBrands.Contains))
        {
            return Avif;
        }

        return brands.Any(HeifBrands.Contains) ? Heic : null;
    }

    /// <summary>
    /// UTF-8 with no NUL and no control character other than tab, line feed, form feed and carriage return,
    /// and not markup a browser would run (HTML, SVG, XML) nor a script to execute (<c>#!</c>).
    /// </summary>
    private static bool IsPlainText(ReadOnlySpan<byte> header, bool complete)
    {
        if (header.IsEmpty)
        {
            return false;
        }

        var text = header.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }) ? header[3..] : header;
        if (!complete)
        {
            text = text[..CompleteUtf8Length(text)];
        }

        if (!Utf8.IsValid(text) || HasControl(text))
        {
            return false;
        }

        // Whatever starts like markup (HTML, SVG, XML all open with '<') could run in a browser.
        var first = text.IndexOfAnyExcept(" \t\r\n\f"u8);
        return first >= 0 && !(text[first..].StartsWith("<"u8) || text[first..].StartsWith("#!"u8));
    }

    private static bool HasControl(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (b is < 0x20 and not ((byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f') || b == 0x7F)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The length of <paramref name="text"/> without a UTF-8 sequence its end cuts short.</summary>
    private static int CompleteUtf8Length(ReadOnlySpan<byte> text)
    {
        for (var back = 1; back <= Math.Min(3, text.Length); back++)
        {
            var b = text[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: look further back for the lead
            }

            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? text.Length - back : text.Length;
        }

        return text.Length;
    }
}
