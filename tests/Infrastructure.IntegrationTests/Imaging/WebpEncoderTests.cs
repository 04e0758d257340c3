using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.Imaging.Native;
using AbParts.Infrastructure.Imaging.Webp;
using AbParts.Tests.Support;
using FluentAssertions;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// WebP encoded by libwebp directly, with its second thread, is byte for byte what libvips' webpsave
/// makes with the same settings: the stored image and every thumbnail, opaque or with alpha, at the
/// first rung of the ladder and further down it.
/// </summary>
[Collection(ImagingTestGroup.Name)]
public sealed class WebpEncoderTests(ImagingFixture fixture)
{
    [Theory]
    [InlineData("photograph", 500 * 1024)]
    [InlineData("photograph", 150 * 1024)] // down the ladder: 85 does not fit
    [InlineData("wallpaper png", 500 * 1024)]
    [InlineData("png with alpha", 500 * 1024)]
    public async Task TheImageAndItsThumbnailsAreTheBytesLibvipsWouldWrite(string input, int maxBytes)
    {
        var bytes = await File.ReadAllBytesAsync(Input(input));
        var options = new ImageOptions { MaxBytes = maxBytes };

        var libwebp = await fixture.Processor.ProcessAsync(bytes, options, CancellationToken.None);
        var libvips = await new VipsImageProcessor(fixture.Logging) { EncodeWebpWithLibwebp = false }
            .ProcessAsync(bytes, options, CancellationToken.None);

        libwebp.Quality.Should().Be(libvips.Quality);
        if (maxBytes < 500 * 1024)
        {
            libwebp.Quality.Should().BeLessThan(85, "the case must go down the ladder");
        }

        libwebp.Image.Bytes.Should().Equal(libvips.Image.Bytes);
        foreach (var (size, thumbnail) in libwebp.Thumbnails)
        {
            thumbnail.Bytes.Should().Equal(libvips.Thumbnails[size].Bytes, $"the {size} px thumbnail is encoded the same way");
        }
    }

    [Fact]
    public unsafe void LibwebpDirectlyWritesWhatWebpsaveWrites()
    {
        var jpeg = File.ReadAllBytes(fixture.SmallPhotoJpeg);
        fixed (byte* data = jpeg)
        {
            using var opened = VipsImage.OpenHeader((IntPtr)data, (nuint)jpeg.Length);
            using var image = VipsImage.ToMemory(opened);

            WebpEncoder.CanEncode(image).Should().BeTrue("an 8-bit RGB image in memory is the encoder's own case");
            WebpEncoder.Encode(image, 75, 2).Should().Equal(WebpContainer.StripMetadata(VipsImage.EncodeWebp(image, 75, 2)));
        }
    }

    private string Input(string name) => name switch
    {
        "photograph" => Wallpapers.PathJpeg,
        "wallpaper png" => Wallpapers.AltaiPortraitPng,
        "png with alpha" => fixture.Make("webp-alpha.png", path =>
            Cli.Vips("bandjoin_const", fixture.SmallPhotoJpeg, path, "128")),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
