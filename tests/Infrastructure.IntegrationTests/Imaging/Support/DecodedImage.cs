using NetVips;

namespace AbParts.Infrastructure.IntegrationTests.Imaging.Support;

/// <summary>Mean red, green and blue of a region.</summary>
public readonly record struct Rgb(double R, double G, double B)
{
    public double MaxDifference(Rgb other) =>
        Math.Max(Math.Abs(R - other.R), Math.Max(Math.Abs(G - other.G), Math.Abs(B - other.B)));

    public override string ToString() => $"({R:0.0}, {G:0.0}, {B:0.0})";
}

/// <summary>An image decoded by libvips in the test process (not by the processor under test) to 8-bit RGB; alpha is dropped.</summary>
public sealed class DecodedImage
{
    private readonly byte[] _pixels;

    private DecodedImage(int width, int height, byte[] pixels)
    {
        Width = width;
        Height = height;
        _pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The RGB samples, row after row.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>Decodes any file libvips reads, with load options in the name if need be (<c>anim.gif[page=3]</c>).</summary>
    public static DecodedImage Load(string file)
    {
        using var image = Image.NewFromFile(file);
        using var srgb = image.Interpretation == Enums.Interpretation.Srgb ? image.Copy() : image.Colourspace(Enums.Interpretation.Srgb);
        using var rgb = srgb.Bands > 3 ? srgb.ExtractBand(0, n: 3) : srgb.Copy();
        using var uchar = rgb.Cast(Enums.BandFormat.Uchar);
        return new DecodedImage(uchar.Width, uchar.Height, uchar.WriteToMemory<byte>());
    }

    /// <summary>Mean colour of the region given as fractions of the width and height, so images of different sizes compare.</summary>
    public Rgb Mean(double left = 0, double top = 0, double width = 1, double height = 1)
    {
        int x0 = (int)(left * Width), y0 = (int)(top * Height);
        int x1 = Math.Max(x0 + 1, (int)((left + width) * Width)), y1 = Math.Max(y0 + 1, (int)((top + height) * Height));
        double r = 0, g = 0, b = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                var i = ((y * Width) + x) * 3;
                r += _pixels[i];
                g += _pixels[i + 1];
                b += _pixels[i + 2];
            }
        }

        double n = (x1 - x0) * (y1 - y0);
        return new Rgb(r / n, g / n, b / n);
    }

    /// <summary>Mean absolute difference per sample against an image of the same size.</summary>
    public double MeanAbsoluteDifference(DecodedImage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Width != Width || other.Height != Height)
        {
            throw new ArgumentException($"Sizes differ: {Width}x{Height} and {other.Width}x{other.Height}.", nameof(other));
        }

        long sum = 0;
        for (var i = 0; i < _pixels.Length; i++)
        {
            sum += Math.Abs(_pixels[i] - other._pixels[i]);
        }

        return (double)sum / _pixels.Length;
    }
}
