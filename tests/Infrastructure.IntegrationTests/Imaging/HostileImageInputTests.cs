using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>Every hostile or broken upload ends in one specific 413/415/422 exception with a clear message, never a crash.</summary>
[Collection(ImagingTestGroup.Name)]
public sealed class HostileImageInputTests(ImagingFixture fixture)
{
    private const string WhatWeAccept = "*JPEG, PNG, WebP, GIF, TIFF, HEIC/HEIF or AVIF*";

    [Fact]
    public async Task ZeroBytesAreRefusedAsUnsupported()
    {
        var act = () => Process([]);

        await act.Should().ThrowAsync<UnsupportedMediaException>().WithMessage("The file is empty.*" + WhatWeAccept);
    }

    [Fact]
    public async Task ATextFileRenamedToJpgIsRefusedAsUnsupported()
    {
        var act = () => Process(ImageBytes.Text);

        await act.Should().ThrowAsync<UnsupportedMediaException>().WithMessage("*not an image in a format we accept*" + WhatWeAccept);
    }

    [Fact]
    public async Task AnSvgIsRefusedAsUnsupported()
    {
        var act = () => Process(ImageBytes.Svg);

        await act.Should().ThrowAsync<UnsupportedMediaException>().WithMessage(WhatWeAccept);
    }

    [Fact]
    public async Task ABmpIsRefusedAsUnsupported()
    {
        var act = () => Process(ImageBytes.Bmp(64, 48));

        await act.Should().ThrowAsync<UnsupportedMediaException>().WithMessage(WhatWeAccept);
    }

    [Fact]
    public async Task APpmIsRefusedAsUnsupported()
    {
        var act = () => Process(ImageBytes.Ppm(64, 48));

        await act.Should().ThrowAsync<UnsupportedMediaException>().WithMessage(WhatWeAccept);
    }

    [Fact]
    public async Task APdfIsRefusedAsUnsupported()
    {
        var act = () => Process(ImageBytes.PdfHeader);

        await act.Should().ThrowAsync<UnsupportedMediaException>().WithMessage(WhatWeAccept);
    }

    [Fact]
    public async Task AnUploadOverMaxInputBytesIsRefusedAsTooLargeBeforeAnythingElse()
    {
        var options = new ImageOptions { MaxInputBytes = 1_000 };

        var act = () => fixture.Processor.ProcessAsync(ImageBytes.Text.Concat(new byte[2_000]).ToArray(), options, CancellationToken.None);

        await act.Should().ThrowAsync<PayloadTooLargeException>().WithMessage("The image is 2,*bytes; uploads may be at most 1,000 bytes.");
    }

    [Fact]
    public async Task ATruncatedJpegIsRefusedAsUnprocessableWithLibvipsReason()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.SafeLandingJpeg);

        var act = () => Process(photo[..(photo.Length / 2)]);

        (await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The JPEG image could not be decoded: *"))
            .Which.Message.Should().ContainEquivalentOf("premature end");
    }

    [Fact]
    public async Task ATruncatedProgressiveJpegIsRefusedAsUnprocessable()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.FlowJpeg);

        var act = () => Process(photo[..(photo.Length / 2)]);

        await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The JPEG image could not be decoded: *");
    }

    [Fact]
    public async Task GarbageAfterAJpegMagicIsRefusedAsUnprocessable()
    {
        var act = () => Process(ImageBytes.GarbageAfter([0xff, 0xd8, 0xff, 0xe0], 4096, seed: 1));

        await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The JPEG image could not be *: ?*");
    }

    [Fact]
    public async Task GarbageAfterAPngSignatureIsRefusedAsUnprocessable()
    {
        var act = () => Process(ImageBytes.GarbageAfter([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 4096, seed: 2));

        (await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The PNG image could not be *: ?*"))
            .Which.Message.Should().NotContain("no details", "libspng explains itself only in a warning, which the message must carry");
    }

    [Fact]
    public async Task APngDeclaring30000By30000PixelsIsRefusedFromItsHeaderWithoutDecoding()
    {
        var bomb = ImageBytes.PngDeclaring(30_000, 30_000);
        var baseline = MemoryProbe.ResetPeak();

        var act = () => Process(bomb);

        await act.Should().ThrowAsync<UnprocessableMediaException>()
            .WithMessage("The image is 30000x30000 pixels (900 megapixels); at most 50,000,000 pixels (50 megapixels) are accepted.");
        (MemoryProbe.Peak() - baseline).Should().BeLessThan(64L << 20, "decoding 30000x30000 RGB would take 2.7 GB; the header alone takes nothing");
    }

    [Fact]
    public async Task AJpegOverAConfiguredPixelLimitIsRefusedWithItsDimensions()
    {
        var options = new ImageOptions { MaxInputPixels = 10_000_000 };

        var act = async () => await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(Wallpapers.FlowJpeg), options, CancellationToken.None);

        await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The image is 5120x2880 pixels (14.7 megapixels); at most 10,000,000 pixels*");
    }

    [Fact]
    public async Task TheProcessorKeepsWorkingAfterEveryKindOfRefusal()
    {
        byte[][] hostile = [[], ImageBytes.Text, ImageBytes.Svg, ImageBytes.Bmp(8, 8), ImageBytes.PngDeclaring(30_000, 30_000),
            ImageBytes.GarbageAfter([0xff, 0xd8, 0xff, 0xe0], 4096, seed: 3)];
        foreach (var input in hostile)
        {
            var refused = () => Process(input);
            await refused.Should().ThrowAsync<Exception>();
        }

        var result = await Process(await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg));

        result.Image.Width.Should().Be(640);
    }

    private Task<ProcessedImage> Process(byte[] input) =>
        fixture.Processor.ProcessAsync(input, new ImageOptions(), CancellationToken.None);
}
