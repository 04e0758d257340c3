using NetVips;

namespace AbParts.Infrastructure.IntegrationTests.Imaging.Support;

/// <summary>Test inputs made with NetVips, and header fields read back with it.</summary>
public static class Fixtures
{
    /// <summary>Saves <paramref name="make"/>'s image to <paramref name="path"/> (the saver follows the extension; options in brackets).</summary>
    public static void Save(string path, Func<Image> make)
    {
        ArgumentNullException.ThrowIfNull(make);
        using var image = make();
        image.WriteToFile(path);
    }

    /// <summary>An 8-bit sRGB image from interleaved samples.</summary>
    public static Image FromPixels(byte[] pixels, int width, int height, int bands) =>
        Image.NewFromMemory(pixels, width, height, bands, Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);

    /// <summary>Left half pure red, right half pure blue.</summary>
    public static Image HalfAndHalf(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                pixels[x < width / 2 ? i : i + 2] = 255;
            }
        }

        return FromPixels(pixels, width, height, 3);
    }

    /// <summary>A header field of a file or bytes, as text (<c>bands</c>, <c>interpretation</c>, <c>n-pages</c>, …); null when absent.</summary>
    public static string? Header(string file, string field)
    {
        using var image = Image.NewFromFile(file);
        return Field(image, field);
    }

    public static string? Header(byte[] bytes, string field)
    {
        using var image = Image.NewFromBuffer(bytes);
        return Field(image, field);
    }

    /// <summary>Every metadata field name of the file.</summary>
    public static IReadOnlyList<string> Fields(byte[] bytes)
    {
        using var image = Image.NewFromBuffer(bytes);
        return image.GetFields();
    }

    private static string? Field(Image image, string field) => field switch
    {
        "width" => image.Width.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "height" => image.Height.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "bands" => image.Bands.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "format" => image.Format.ToString().ToLowerInvariant(),
        "interpretation" => image.Interpretation.ToString().ToLowerInvariant(),
        _ when image.Contains(field) => Convert.ToString(image.Get(field), System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };
}
