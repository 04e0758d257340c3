using System.Text;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging.Support;

/// <summary>Mean red, green and blue of a region.</summary>
public readonly record struct Rgb(double R, double G, double B)
{
    public double MaxDifference(Rgb other) =>
        Math.Max(Math.Abs(R - other.R), Math.Max(Math.Abs(G - other.G), Math.Abs(B - other.B)));

    public override string ToString() => $"({R:0.0}, {G:0.0}, {B:0.0})";
}

/// <summary>
/// An image decoded by the vips command-line tool (not by the code under test) into a binary PPM,
/// parsed here. Alpha, if any, is dropped by the PPM writer.
/// </summary>
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

    /// <summary>Decodes any file the vips CLI reads (WebP output, a reference PNG, <c>anim.gif[page=3]</c>).</summary>
    public static DecodedImage Load(string file, string workDirectory)
    {
        var ppm = Path.Combine(workDirectory, $"{Guid.NewGuid():N}.ppm");
        Cli.Vips("copy", file, ppm);
        try
        {
            return Parse(File.ReadAllBytes(ppm));
        }
        finally
        {
            File.Delete(ppm);
        }
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

    private static DecodedImage Parse(byte[] ppm)
    {
        var position = 0;
        string Token()
        {
            while (true)
            {
                while (char.IsWhiteSpace((char)ppm[position]))
                {
                    position++;
                }

                if (ppm[position] != '#')
                {
                    break;
                }

                while (ppm[position] != '\n')
                {
                    position++;
                }
            }

            var start = position;
            while (!char.IsWhiteSpace((char)ppm[position]))
            {
                position++;
            }

            return Encoding.ASCII.GetString(ppm, start, position - start);
        }

        if (Token() != "P6")
        {
            throw new InvalidDataException("Expected a binary RGB PPM (P6).");
        }

        var width = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        var height = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        if (Token() != "255")
        {
            throw new InvalidDataException("Expected 8-bit samples.");
        }

        position++; // the single whitespace before the raster
        return new DecodedImage(width, height, ppm.AsSpan(position, width * height * 3).ToArray());
    }
}
