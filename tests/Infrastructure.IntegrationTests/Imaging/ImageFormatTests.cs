using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// Each accepted input kind comes out as an upright 8-bit sRGB WebP with the right colours; the inputs
/// are made at test time with the vips and ffmpeg CLIs and every output is checked by decoding it there.
/// </summary>
[Collection(ImagingTestGroup.Name)]
public sealed class ImageFormatTests(ImagingFixture fixture)
{
    [Fact]
    public async Task ACmykJpegComesOutAsThreeBandSrgbWithTheColoursOfItsRgbOriginal()
    {
        var cmyk = fixture.Make("cmyk.jpg", path => Cli.Vips("icc_transform", fixture.SmallPhotoJpeg, path + "[Q=95]", "cmyk"));
        Cli.Header(cmyk, "interpretation").Should().ContainEquivalentOf("cmyk");
        var original = fixture.Decode(fixture.SmallPhotoJpeg);
        var reference = fixture.Decode(fixture.Make("cmyk-to-srgb.png", path => Cli.Vips("icc_transform", cmyk, path, "srgb", "--embedded")));

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(cmyk), new ImageOptions(), CancellationToken.None);

        Cli.Header(fixture.Save(result.Image.Bytes, "cmyk.webp"), "bands").Should().Be("3");
        var output = fixture.Decode(result.Image.Bytes);
        foreach (var (left, top) in new[] { (0.0, 0.0), (0.5, 0.0), (0.0, 0.5), (0.5, 0.5), (0.25, 0.25) })
        {
            var region = output.Mean(left, top, 0.5, 0.5);

            // The reference goes CMYK → sRGB in one lcms transform; the thumbnail goes CMYK → XYZ (lcms) →
            // sRGB (libvips' formulas), which lands within about 8 levels of it.
            region.MaxDifference(reference.Mean(left, top, 0.5, 0.5)).Should()
                .BeLessThan(10, "region ({0}, {1}) {2} should match libvips' own CMYK→sRGB {3}", left, top, region, reference.Mean(left, top, 0.5, 0.5));
            // A round trip through a press profile loses some gamut (up to about 17 levels here); an inverted or
            // ink-ignoring conversion is off by 100 or more.
            region.MaxDifference(original.Mean(left, top, 0.5, 0.5)).Should()
                .BeLessThan(25, "region ({0}, {1}) {2} should stay near the RGB original {3}", left, top, region, original.Mean(left, top, 0.5, 0.5));
        }
    }

    [Fact]
    public async Task ACmykJpegWithoutAProfileStillComesOutInSrgbColours()
    {
        var cmyk = fixture.Make("cmyk-no-profile.jpg", path => Cli.Vips("colourspace", fixture.SmallPhotoJpeg, path + "[Q=95,strip]", "cmyk"));
        Cli.AllHeaders(cmyk).Should().NotContain("icc-profile-data");
        var original = fixture.Decode(fixture.SmallPhotoJpeg);

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(cmyk), new ImageOptions(), CancellationToken.None);

        var output = fixture.Decode(result.Image.Bytes);
        output.Mean(0.25, 0.25, 0.5, 0.5).MaxDifference(original.Mean(0.25, 0.25, 0.5, 0.5)).Should().BeLessThan(25);
    }

    [Fact]
    public async Task AnAdobeRgbJpegIsConvertedThroughItsEmbeddedProfile()
    {
        // The same photograph re-encoded in Adobe RGB: its raw numbers differ from the sRGB original, its colours do not.
        var adobe = fixture.Make("adobe-rgb.jpg", path =>
            Cli.Vips("icc_transform", fixture.SmallPhotoJpeg, path + "[Q=95]", "/usr/share/color/icc/ghostscript/a98.icc", "--input-profile", "srgb"));
        var original = fixture.Decode(fixture.SmallPhotoJpeg);
        var raw = fixture.Decode(adobe);
        var (left, top) = FindMostSaturatedRegion(original);
        raw.Mean(left, top, 0.25, 0.25).MaxDifference(original.Mean(left, top, 0.25, 0.25)).Should()
            .BeGreaterThan(6, "the test needs a region where Adobe RGB numbers differ visibly from sRGB");

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(adobe), new ImageOptions(), CancellationToken.None);

        var output = fixture.Decode(result.Image.Bytes);
        output.Mean(left, top, 0.25, 0.25).MaxDifference(original.Mean(left, top, 0.25, 0.25)).Should().BeLessThan(3);
    }

    [Fact]
    public async Task SaturatedColoursOfAnUntaggedImageComeOutUnchanged()
    {
        var flags = fixture.Make("red-blue-640x400.png", path =>
        {
            var ppm = path + ".ppm";
            File.WriteAllBytes(ppm, HalfAndHalf(640, 400));
            Cli.Vips("copy", ppm, path);
        });

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(flags), new ImageOptions(), CancellationToken.None);

        var output = fixture.Decode(result.Image.Bytes);
        output.Mean(0.05, 0.1, 0.4, 0.8).MaxDifference(new Rgb(255, 0, 0)).Should().BeLessThan(8);
        output.Mean(0.55, 0.1, 0.4, 0.8).MaxDifference(new Rgb(0, 0, 255)).Should().BeLessThan(8);
    }

    [Fact]
    public async Task AJpegWithExifOrientationSixComesOutUpright()
    {
        // Stored sideways: left half red, right half blue. Orientation 6 means "turn 90° clockwise to view",
        // which brings the stored left edge to the top.
        var sideways = fixture.Make("sideways-640x400.jpg", path =>
        {
            var ppm = path + ".ppm";
            File.WriteAllBytes(ppm, HalfAndHalf(640, 400));
            Cli.Vips("copy", ppm, path + "[Q=95,strip]");
        });
        var input = ImageBytes.WithExif(await File.ReadAllBytesAsync(sideways), orientation: 6);

        var result = await fixture.Processor.ProcessAsync(input, new ImageOptions(), CancellationToken.None);

        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((400, 640));
        var output = fixture.Decode(result.Image.Bytes);
        var top = output.Mean(0, 0.05, 1, 0.4);
        var bottom = output.Mean(0, 0.55, 1, 0.4);
        top.R.Should().BeGreaterThan(200, "the top {0} should be red", top);
        top.B.Should().BeLessThan(60);
        bottom.B.Should().BeGreaterThan(200, "the bottom {0} should be blue", bottom);
        bottom.R.Should().BeLessThan(60);
        WebpInspector.Read(result.Thumbnails[100].Bytes).Height.Should().Be(100);
    }

    [Fact]
    public async Task APngWithAlphaKeepsItsAlpha()
    {
        var translucent = fixture.Make("translucent.png", path => Cli.Vips("bandjoin_const", fixture.SmallPhotoJpeg, path, "128"));

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(translucent), new ImageOptions(), CancellationToken.None);

        var info = WebpInspector.Read(result.Image.Bytes);
        info.HasAlpha.Should().BeTrue();
        info.Chunks.Should().Contain("ALPH");
        var file = fixture.Save(result.Image.Bytes, "alpha.webp");
        Cli.Header(file, "bands").Should().Be("4");
        Cli.Vips("getpoint", file, "100", "100").Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].Trim().Should().Be("128");
        WebpInspector.Read(result.Thumbnails[200].Bytes).HasAlpha.Should().BeTrue();
    }

    [Fact]
    public async Task ASixteenBitPngComesOutAsEightBitWithTheSameColours()
    {
        var eightBit = fixture.Make("photo-8bit.png", path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path));
        var sixteenBit = fixture.Make("photo-16bit.png", path => Cli.Vips("colourspace", eightBit, path, "rgb16"));
        Cli.Header(sixteenBit, "format").Should().ContainEquivalentOf("ushort");
        var expected = fixture.Decode((await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(eightBit), new ImageOptions(), CancellationToken.None)).Image.Bytes);

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(sixteenBit), new ImageOptions(), CancellationToken.None);

        var file = fixture.Save(result.Image.Bytes, "from16.webp");
        Cli.Header(file, "format").Should().ContainEquivalentOf("uchar");
        fixture.Decode(file).MeanAbsoluteDifference(expected).Should().BeLessThan(3);
    }

    [Fact]
    public async Task AHeicPhotoLoads()
    {
        var heic = fixture.Make("photo.heic", path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path));

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(heic), new ImageOptions(), CancellationToken.None);

        result.SourceFormat.Should().Be("heif");
        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((640, 400));
        fixture.Decode(result.Image.Bytes).Mean().MaxDifference(fixture.Decode(fixture.SmallPhotoJpeg).Mean()).Should().BeLessThan(10);
    }

    [Fact]
    public async Task AnAvifPhotoLoads()
    {
        var avif = fixture.Make("photo.avif", path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path));

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(avif), new ImageOptions(), CancellationToken.None);

        result.SourceFormat.Should().Be("avif");
        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((640, 400));
    }

    [Fact]
    public async Task ATiffPhotoLoads()
    {
        var tiff = fixture.Make("photo.tif", path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path + "[compression=deflate]"));

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(tiff), new ImageOptions(), CancellationToken.None);

        result.SourceFormat.Should().Be("tiff");
        fixture.Decode(result.Image.Bytes).MeanAbsoluteDifference(fixture.Decode(fixture.SmallPhotoJpeg)).Should().BeLessThan(6);
    }

    [Fact]
    public async Task AnAnimatedGifGivesItsFirstFrameAsAStillWebp()
    {
        var gif = AnimatedGif();
        Cli.Header(gif, "n-pages").Should().Be("10");
        var firstFrame = fixture.Decode(gif + "[page=0]");
        var lastFrame = fixture.Decode(gif + "[page=9]");

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(gif), new ImageOptions(), CancellationToken.None);

        result.SourceFormat.Should().Be("gif");
        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((320, 240));
        info.IsAnimated.Should().BeFalse();
        info.Chunks.Should().NotContain(["ANIM", "ANMF"]);
        var output = fixture.Decode(result.Image.Bytes);
        output.MeanAbsoluteDifference(firstFrame).Should().BeLessThan(output.MeanAbsoluteDifference(lastFrame));
    }

    [Fact]
    public async Task AnAnimatedWebpGivesItsFirstFrameAsAStillWebp()
    {
        var animated = fixture.Make("animated.webp", path => Cli.Vips("copy", AnimatedGif() + "[n=-1]", path));
        WebpInspector.Read(await File.ReadAllBytesAsync(animated)).IsAnimated.Should().BeTrue();

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(animated), new ImageOptions(), CancellationToken.None);

        result.SourceFormat.Should().Be("webp");
        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((320, 240));
        info.IsAnimated.Should().BeFalse();
    }

    /// <summary>The quarter-size region (on a 1/8 grid) whose mean colour is furthest from grey.</summary>
    private static (double Left, double Top) FindMostSaturatedRegion(DecodedImage image)
    {
        var best = (Left: 0.0, Top: 0.0, Saturation: -1.0);
        for (var left = 0.0; left <= 0.75; left += 0.125)
        {
            for (var top = 0.0; top <= 0.75; top += 0.125)
            {
                var mean = image.Mean(left, top, 0.25, 0.25);
                var saturation = Math.Max(mean.R, Math.Max(mean.G, mean.B)) - Math.Min(mean.R, Math.Min(mean.G, mean.B));
                if (saturation > best.Saturation)
                {
                    best = (left, top, saturation);
                }
            }
        }

        return (best.Left, best.Top);
    }

    private string AnimatedGif() => fixture.Make("testsrc.gif",
        path => Cli.Ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=5", "-t", "2", path));

    /// <summary>A binary PPM whose left half is pure red and right half pure blue.</summary>
    private static byte[] HalfAndHalf(int width, int height)
    {
        var header = System.Text.Encoding.ASCII.GetBytes($"P6\n{width} {height}\n255\n");
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                pixels[x < width / 2 ? i : i + 2] = 255;
            }
        }

        return [.. header, .. pixels];
    }
}
