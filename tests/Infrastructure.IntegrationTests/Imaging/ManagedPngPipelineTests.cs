using System.Runtime.InteropServices;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Infrastructure.Imaging.Native;
using AbParts.Infrastructure.Imaging.Png;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// PNGs decoded in managed code and handed to libvips (<see cref="VipsImage.FromPixels"/>,
/// <see cref="VipsImage.ThumbnailOf"/>) come out as they did when libvips decoded them: the same pixels at full
/// size, within a level or two when halved on the way; and malformed PNGs get the answer libvips alone gives.
/// </summary>
[Collection(ImagingTestGroup.Name)]
public sealed class ManagedPngPipelineTests(ImagingFixture fixture)
{
    [Fact]
    public async Task TheAltaiWallpaperComesOutAtTheSameSizes()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.AltaiPng);

        var result = await fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        result.SourceFormat.Should().Be("png");
        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height, result.Image.Width, result.Image.Height).Should().Be((1024, 576, 1024, 576));
        foreach (var (size, height) in new[] { (300, 169), (200, 113), (100, 57) }) // chained: 1024x576 → 300 → 200 → 100
        {
            var thumbnail = WebpInspector.Read(result.Thumbnails[size].Bytes);
            (thumbnail.Width, thumbnail.Height).Should().Be((size, height));
        }
    }

    [Fact]
    public async Task TheAltaiWallpaperComesOutLookingAsLibvipsAloneMakesIt()
    {
        var reference = fixture.Decode(fixture.Make("altai-thumbnail-by-libvips.png", path =>
            Cli.Vips("thumbnail", Wallpapers.AltaiPng, path, "1024", "--size", "down", "--export-profile", "srgb")));

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(Wallpapers.AltaiPng), new ImageOptions(), CancellationToken.None);

        // WebP at quality 85 alone accounts for about a level; the decoder's halving adds 0.02 (below).
        fixture.Decode(result.Image.Bytes).MeanAbsoluteDifference(reference).Should().BeLessThan(1.5);
    }

    [Fact]
    public void TheAltaiWallpaperHalvedOnTheWayShrinksToWithinTwoLevelsOfLibvipsOwnDecoding()
    {
        var photo = File.ReadAllBytes(Wallpapers.AltaiPng);
        var reference = ThroughLibvips(photo);

        var managed = ThroughManagedDecoder(photo, shrink: 2);

        managed.Length.Should().Be(reference.Length, "both are 1024x576 RGB");
        var differences = managed.Zip(reference, (a, b) => Math.Abs(a - b)).ToArray();
        differences.Max().Should().BeLessThanOrEqualTo(2);
        differences.Average().Should().BeLessThan(0.1);
    }

    [Fact]
    public void AtFullSizeTheAltaiWallpaperShrinksToExactlyLibvipsOwnPixels()
    {
        var photo = File.ReadAllBytes(Wallpapers.AltaiPng);
        var reference = ThroughLibvips(photo);

        var managed = ThroughManagedDecoder(photo, shrink: 1);

        managed.SequenceEqual(reference).Should().BeTrue();
    }

    [Theory]
    [InlineData("portrait wallpaper")]
    [InlineData("grey")]
    [InlineData("rgba")]
    [InlineData("palette")]
    [InlineData("adobe rgb profile")]
    [InlineData("exif orientation 6")]
    public void PngsTheDecoderSupportsShrinkToExactlyLibvipsOwnPixels(string kind)
    {
        var png = File.ReadAllBytes(kind switch
        {
            "portrait wallpaper" => Wallpapers.AltaiPortraitPng, // 1080x1920: under 4× to 1024 px, not halved on the way
            "grey" => fixture.Make("pipeline-grey.png", path =>
            {
                var grey = path + ".v";
                Cli.Vips("colourspace", fixture.SmallPhotoJpeg, grey, "b-w");
                Cli.Vips("copy", grey, path);
            }),
            "rgba" => fixture.Make("pipeline-rgba.png", path => Cli.Vips("bandjoin_const", fixture.SmallPhotoJpeg, path, "128")),
            "palette" => fixture.Make("pipeline-palette.png", path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path + "[palette]")),
            "adobe rgb profile" => fixture.Make("pipeline-adobe-rgb.png", path =>
                Cli.Vips("icc_transform", fixture.SmallPhotoJpeg, path, "/usr/share/color/icc/ghostscript/a98.icc", "--input-profile", "srgb")),
            _ => fixture.Make("pipeline-orientation-6.png", path =>
                Cli.Vips("copy", fixture.Save(ImageBytes.WithExif(File.ReadAllBytes(fixture.SmallPhotoJpeg), orientation: 6), "sideways.jpg"), path)),
        });
        var reference = ThroughLibvips(png);

        var managed = ThroughManagedDecoder(png, shrink: 1);

        managed.SequenceEqual(reference).Should().BeTrue();
    }

    [Fact]
    public async Task APngWithExifOrientationSixComesOutUpright()
    {
        var sideways = fixture.Make("pipeline-orientation-6.png", path =>
            Cli.Vips("copy", fixture.Save(ImageBytes.WithExif(File.ReadAllBytes(fixture.SmallPhotoJpeg), orientation: 6), "sideways.jpg"), path));
        Cli.Header(sideways, "orientation").Should().Be("6");

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(sideways), new ImageOptions(), CancellationToken.None);

        (result.Image.Width, result.Image.Height).Should().Be((400, 640));
    }

    [Theory]
    [MemberData(nameof(HostilePngs.Names), MemberType = typeof(HostilePngs))]
    public async Task TheProcessorAnswersAMalformedPngAsLibvipsAloneDoes(string name)
    {
        var png = HostilePngs.Make(name);
        var libvipsReadsIt = LibvipsReads(png);

        var act = () => fixture.Processor.ProcessAsync(png, new ImageOptions(), CancellationToken.None);

        if (libvipsReadsIt)
        {
            (await act()).Image.Width.Should().Be(64);
        }
        else
        {
            await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The PNG image could not be *: ?*");
        }
    }

    /// <summary>The decode stage as the processor runs it when libvips decodes: <c>vips_thumbnail_buffer</c> to 1024 px, pixels in memory.</summary>
    private static byte[] ThroughLibvips(byte[] png)
    {
        var pin = GCHandle.Alloc(png, GCHandleType.Pinned);
        try
        {
            var buffer = pin.AddrOfPinnedObject();
            using var header = VipsImage.OpenHeader(buffer, (nuint)png.Length);
            using var thumbnail = VipsImage.Thumbnail(buffer, (nuint)png.Length, 1024, VipsImage.IccProfile(header) is not null);
            using var decoded = VipsImage.ToMemory(thumbnail);
            return LibVipsProbe.Pixels(decoded.DangerousGetHandle());
        }
        finally
        {
            pin.Free();
        }
    }

    /// <summary>The same stage with the pixels decoded by <see cref="PngDecoder"/>.</summary>
    private static byte[] ThroughManagedDecoder(byte[] png, int shrink)
    {
        var pin = GCHandle.Alloc(png, GCHandleType.Pinned);
        try
        {
            using var header = VipsImage.OpenHeader(pin.AddrOfPinnedObject(), (nuint)png.Length);
            using var pixels = PngDecoder.TryDecode(png, long.MaxValue, shrink) ?? throw new InvalidOperationException("The decoder declined the file.");
            pixels.Shrink.Should().Be(shrink);
            using var image = VipsImage.FromPixels(pixels, header, readSequentially: true);
            using var thumbnail = VipsImage.ThumbnailOf(image, 1024, VipsImage.IccProfile(header) is not null);
            using var decoded = VipsImage.ToMemory(thumbnail);
            return LibVipsProbe.Pixels(decoded.DangerousGetHandle());
        }
        finally
        {
            pin.Free();
        }
    }

    /// <summary>
    /// Whether the vips CLI decodes the file with the loader options and the single thread the processor uses.
    /// With more threads its answer on some broken files varies from run to run: a tile that fails on one
    /// thread does not always fail the whole write.
    /// </summary>
    private bool LibvipsReads(byte[] png)
    {
        try
        {
            Cli.Vips("copy", fixture.Save(png, "hostile.png") + "[fail_on=truncated]", Path.Combine(fixture.WorkDirectory, $"{Guid.NewGuid():N}.v"),
                "--vips-concurrency=1");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
