using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;
using NetVips;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// Each accepted input kind comes out as an upright 8-bit sRGB WebP with the right colours; the inputs are
/// made at test time with NetVips and ffmpeg, and every output is checked by decoding it in the test.
/// </summary>
public abstract class ImageFormatTests(ImagingFixture fixture, ImageIsolation isolation)
{
    private IImageProcessor Processor => fixture.Processor(isolation);

    [Fact]
    public async Task ACmykJpegComesOutAsThreeBandSrgbWithTheColoursOfItsRgbOriginal()
    {
        var cmyk = fixture.Make("cmyk.jpg", path => Fixtures.Save(path + "[Q=95]", () =>
        {
            using var photo = Image.NewFromFile(fixture.SmallPhotoJpeg);
            return photo.IccTransform("cmyk", inputProfile: "srgb");
        }));
        Fixtures.Header(cmyk, "interpretation").Should().Be("cmyk");
        var original = DecodedImage.Load(fixture.SmallPhotoJpeg);

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(cmyk), new ImageOptions(), CancellationToken.None);

        Fixtures.Header(result.Image.Bytes, "bands").Should().Be("3");
        var output = fixture.Decode(result.Image.Bytes);
        foreach (var (left, top) in new[] { (0.0, 0.0), (0.5, 0.0), (0.0, 0.5), (0.5, 0.5), (0.25, 0.25) })
        {
            // A round trip through a press profile loses some gamut; an inverted or ink-ignoring conversion is off by 100 or more.
            var region = output.Mean(left, top, 0.5, 0.5);
            region.MaxDifference(original.Mean(left, top, 0.5, 0.5)).Should()
                .BeLessThan(25, "region ({0}, {1}) {2} should stay near the RGB original {3}", left, top, region, original.Mean(left, top, 0.5, 0.5));
        }
    }

    [Fact]
    public async Task ACmykJpegWithoutAProfileStillComesOutInSrgbColours()
    {
        var cmyk = fixture.Make("cmyk-no-profile.jpg", path => Fixtures.Save(path + "[Q=95,keep=none]", () =>
        {
            using var photo = Image.NewFromFile(fixture.SmallPhotoJpeg);
            return photo.Colourspace(Enums.Interpretation.Cmyk);
        }));
        Fixtures.Fields(await File.ReadAllBytesAsync(cmyk)).Should().NotContain("icc-profile-data");
        var original = DecodedImage.Load(fixture.SmallPhotoJpeg);

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(cmyk), new ImageOptions(), CancellationToken.None);

        Fixtures.Header(result.Image.Bytes, "bands").Should().Be("3");
        fixture.Decode(result.Image.Bytes).Mean(0.25, 0.25, 0.5, 0.5).MaxDifference(original.Mean(0.25, 0.25, 0.5, 0.5)).Should().BeLessThan(25);
    }

    [Fact]
    public async Task ADisplayP3JpegIsConvertedThroughItsEmbeddedProfile()
    {
        // The same photograph re-encoded in Display P3: its raw numbers differ from the sRGB original, its colours do not.
        var p3 = fixture.Make("display-p3.jpg", path => Fixtures.Save(path + "[Q=95]", () =>
        {
            using var photo = Image.NewFromFile(fixture.SmallPhotoJpeg);
            return photo.IccTransform("p3", inputProfile: "srgb");
        }));
        var original = DecodedImage.Load(fixture.SmallPhotoJpeg);
        using (var raw = Image.NewFromFile(p3))
        {
            var path = fixture.Save(raw.JpegsaveBuffer(q: 95, keep: Enums.ForeignKeep.None), "p3-numbers.jpg");
            var (left, top) = FindMostSaturatedRegion(original);
            DecodedImage.Load(path).Mean(left, top, 0.25, 0.25).MaxDifference(original.Mean(left, top, 0.25, 0.25)).Should()
                .BeGreaterThan(6, "the test needs a region where Display P3 numbers differ visibly from sRGB");
        }

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(p3), new ImageOptions(), CancellationToken.None);

        var output = fixture.Decode(result.Image.Bytes);
        var (x, y) = FindMostSaturatedRegion(original);
        output.Mean(x, y, 0.25, 0.25).MaxDifference(original.Mean(x, y, 0.25, 0.25)).Should().BeLessThan(3);
    }

    [Fact]
    public async Task SaturatedColoursOfAnUntaggedImageComeOutUnchanged()
    {
        var flags = fixture.Make("red-blue-640x400.png", path => Fixtures.Save(path, () => Fixtures.HalfAndHalf(640, 400)));

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(flags), new ImageOptions(), CancellationToken.None);

        var output = fixture.Decode(result.Image.Bytes);
        output.Mean(0.05, 0.1, 0.4, 0.8).MaxDifference(new Rgb(255, 0, 0)).Should().BeLessThan(8);
        output.Mean(0.55, 0.1, 0.4, 0.8).MaxDifference(new Rgb(0, 0, 255)).Should().BeLessThan(8);
    }

    [Fact]
    public async Task AJpegWithExifOrientationSixComesOutUpright()
    {
        // Stored sideways: left half red, right half blue. Orientation 6 means "turn 90° clockwise to view",
        // which brings the stored left edge to the top.
        var sideways = fixture.Make("sideways-640x400.jpg", path => Fixtures.Save(path + "[Q=95,keep=none]", () => Fixtures.HalfAndHalf(640, 400)));
        var input = ImageBytes.WithExif(await File.ReadAllBytesAsync(sideways), orientation: 6);

        var result = await Processor.ProcessAsync(input, new ImageOptions(), CancellationToken.None);

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
        var translucent = fixture.Make("translucent.png", path => Fixtures.Save(path, () =>
        {
            using var photo = Image.NewFromFile(fixture.SmallPhotoJpeg);
            return photo.Bandjoin(128);
        }));

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(translucent), new ImageOptions(), CancellationToken.None);

        var info = WebpInspector.Read(result.Image.Bytes);
        info.HasAlpha.Should().BeTrue();
        info.Chunks.Should().Contain("ALPH");
        using var decoded = Image.NewFromBuffer(result.Image.Bytes);
        decoded.Bands.Should().Be(4);
        decoded.Getpoint(100, 100)[3].Should().Be(128);
        WebpInspector.Read(result.Thumbnails[200].Bytes).HasAlpha.Should().BeTrue();
    }

    [Fact]
    public async Task ASixteenBitPngComesOutAsEightBitWithTheSameColours()
    {
        var eightBit = fixture.Make("photo-8bit.png", path => Fixtures.Save(path, () => Image.NewFromFile(fixture.SmallPhotoJpeg)));
        var sixteenBit = fixture.Make("photo-16bit.png", path => Fixtures.Save(path, () =>
        {
            using var photo = Image.NewFromFile(eightBit);
            return photo.Colourspace(Enums.Interpretation.Rgb16);
        }));
        Fixtures.Header(sixteenBit, "format").Should().Be("ushort");
        var expected = fixture.Decode((await Processor.ProcessAsync(await File.ReadAllBytesAsync(eightBit), new ImageOptions(), CancellationToken.None)).Image.Bytes);

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(sixteenBit), new ImageOptions(), CancellationToken.None);

        Fixtures.Header(result.Image.Bytes, "format").Should().Be("uchar");
        fixture.Decode(result.Image.Bytes).MeanAbsoluteDifference(expected).Should().BeLessThan(3);
    }

    [Fact]
    public async Task AGreyscaleJpegComesOutAsSrgb()
    {
        var grey = fixture.Make("grey.jpg", path => Fixtures.Save(path + "[Q=95]", () =>
        {
            using var photo = Image.NewFromFile(fixture.SmallPhotoJpeg);
            return photo.Colourspace(Enums.Interpretation.Bw);
        }));

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(grey), new ImageOptions(), CancellationToken.None);

        Fixtures.Header(result.Image.Bytes, "bands").Should().Be("3");
        var mean = fixture.Decode(result.Image.Bytes).Mean();
        mean.MaxDifference(new Rgb(mean.R, mean.R, mean.R)).Should().BeLessThan(1, "grey stays grey");
    }

    [Fact]
    public async Task AHeicPhotoLoads()
    {
        var heic = await File.ReadAllBytesAsync(HeicPhoto(fixture));

        var result = await Processor.ProcessAsync(heic, new ImageOptions(), CancellationToken.None);

        result.SourceFormat.Should().Be("heif");
        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((640, 400));
        fixture.Decode(result.Image.Bytes).Mean().MaxDifference(DecodedImage.Load(fixture.SmallPhotoJpeg).Mean()).Should().BeLessThan(10);
    }

    [Fact]
    public async Task AnAvifPhotoLoads()
    {
        var avif = fixture.Make("photo.avif", path => Fixtures.Save(path, () => Image.NewFromFile(fixture.SmallPhotoJpeg)));

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(avif), new ImageOptions(), CancellationToken.None);

        result.SourceFormat.Should().Be("avif");
        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((640, 400));
    }

    [Fact]
    public async Task ATiffPhotoLoads()
    {
        var tiff = fixture.Make("photo.tif", path => Fixtures.Save(path + "[compression=deflate]", () => Image.NewFromFile(fixture.SmallPhotoJpeg)));

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(tiff), new ImageOptions(), CancellationToken.None);

        result.SourceFormat.Should().Be("tiff");
        fixture.Decode(result.Image.Bytes).MeanAbsoluteDifference(DecodedImage.Load(fixture.SmallPhotoJpeg)).Should().BeLessThan(6);
    }

    [Fact]
    public async Task AnAnimatedGifGivesItsFirstFrameAsAStillWebp()
    {
        var gif = AnimatedGif();
        Fixtures.Header(gif, "n-pages").Should().Be("10");
        var firstFrame = DecodedImage.Load(gif + "[page=0]");
        var lastFrame = DecodedImage.Load(gif + "[page=9]");

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(gif), new ImageOptions(), CancellationToken.None);

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
        var animated = fixture.Make("animated.webp", path => Fixtures.Save(path, () => Image.NewFromFile(AnimatedGif(), kwargs: new VOption { { "n", -1 } })));
        WebpInspector.Read(await File.ReadAllBytesAsync(animated)).IsAnimated.Should().BeTrue();

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(animated), new ImageOptions(), CancellationToken.None);

        result.SourceFormat.Should().Be("webp");
        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((320, 240));
        info.IsAnimated.Should().BeFalse();
    }

    /// <summary>A HEIC (HEVC-coded) photograph, made by libheif's heif-enc: the bundled libvips decodes HEVC but cannot encode it.</summary>
    internal static string HeicPhoto(ImagingFixture fixture) =>
        fixture.Make("photo.heic", path => Cli.HeifEnc("-q", "90", "-o", path, fixture.SmallPhotoJpeg));

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

    [Collection(ImagingTestGroup.Name)]
    public sealed class InProcess(ImagingFixture fixture) : ImageFormatTests(fixture, ImageIsolation.InProcess);

    [Collection(ImagingTestGroup.Name)]
    public sealed class InWorkers(ImagingFixture fixture) : ImageFormatTests(fixture, ImageIsolation.Process);
}
