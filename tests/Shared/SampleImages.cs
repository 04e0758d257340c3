namespace AbParts.Tests.Support;

/// <summary>
/// The inputs the HTTP tests upload, as bytes: real photographs (<see cref="Wallpapers"/>) and hostile
/// files (<see cref="ImageBytes"/>); and the size of a WebP answer, read by <see cref="WebpInspector"/>.
/// </summary>
public static class SampleImages
{
    /// <summary>A 5120x2880 JPEG photograph.</summary>
    public static byte[] LargeJpeg => File.ReadAllBytes(Wallpapers.FlowJpeg);

    /// <summary>A 2560x1600 JPEG photograph.</summary>
    public static byte[] MediumJpeg => File.ReadAllBytes(Wallpapers.PathJpeg);

    /// <summary>A 1080x1920 (portrait) PNG.</summary>
    public static byte[] PortraitPng => File.ReadAllBytes(Wallpapers.AltaiPortraitPng);

    /// <summary>The first half of a real JPEG.</summary>
    public static byte[] TruncatedJpeg => MediumJpeg[..(MediumJpeg.Length / 2)];

    /// <summary>A 1920x1080 HEIC photograph (HEVC), encoded once per test run from a real JPEG by libheif's <c>heif-enc</c>.</summary>
    public static byte[] Heic => HeicPhoto.Value;

    private static readonly Lazy<byte[]> HeicPhoto = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("abparts-heic-");
        try
        {
            var path = Path.Combine(folder.FullName, "photo.heic");
            Cli.HeifEnc("-q", "80", "-o", path, Wallpapers.AutumnJpeg);
            return File.ReadAllBytes(path);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    });

    public static byte[] Text => ImageBytes.Text;

    public static byte[] Svg => ImageBytes.Svg;

    public static byte[] Bmp => ImageBytes.Bmp(2, 2);

    public static byte[] PngDeclaring(int width, int height) => ImageBytes.PngDeclaring(width, height);

    /// <summary>Width, height and alpha from a WebP's header, read independently of libvips.</summary>
    public static (int Width, int Height, bool HasAlpha) WebpSize(byte[] webp)
    {
        var info = WebpInspector.Read(webp);
        return (info.Width, info.Height, info.HasAlpha);
    }
}
