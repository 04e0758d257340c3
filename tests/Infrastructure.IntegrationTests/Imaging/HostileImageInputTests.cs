using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Infrastructure.Imaging;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>Every hostile or broken upload ends in one specific 413/415/422 exception with a clear message, in both isolation modes.</summary>
public abstract class HostileImageInputTests(ImagingFixture fixture, ImageIsolation isolation)
{
    private const string WhatWeAccept = "*JPEG, PNG, WebP, GIF, TIFF, HEIC/HEIF or AVIF*";

    private IImageProcessor Processor => fixture.Processor(isolation);

    public static TheoryData<string> UnsupportedKinds => ["text", "svg", "svg with a script", "bmp", "ppm", "pdf"];

    [Fact]
    public async Task ZeroBytesAreRefusedAsUnsupported()
    {
        var act = () => Process([]);

        await act.Should().ThrowAsync<UnsupportedMediaException>().WithMessage("The file is empty.*" + WhatWeAccept);
    }

    [Theory]
    [MemberData(nameof(UnsupportedKinds))]
    public async Task AFileThatIsNoImageWeAcceptIsRefusedAsUnsupported(string kind)
    {
        var act = () => Process(Unsupported(kind));

        await act.Should().ThrowAsync<UnsupportedMediaException>().WithMessage("*not an image in a format we accept*" + WhatWeAccept);
    }

    [Fact]
    public async Task AnUploadOverMaxInputBytesIsRefusedAsTooLargeBeforeAnythingElse()
    {
        var options = new ImageOptions { MaxInputBytes = 1_000 };

        var act = () => Processor.ProcessAsync(ImageBytes.Text.Concat(new byte[2_000]).ToArray(), options, CancellationToken.None);

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
    public async Task ATruncatedHeicIsRefusedAsUnprocessable()
    {
        var heic = await File.ReadAllBytesAsync(ImageFormatTests.HeicPhoto(fixture));

        var act = () => Process(heic[..(heic.Length * 2 / 3)]);

        await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The HEIF image could not be *: ?*");
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
    public async Task APngDeclaring30000By30000PixelsIsRefusedFromItsHeader()
    {
        var act = () => Process(ImageBytes.PngDeclaring(30_000, 30_000));

        await act.Should().ThrowAsync<UnprocessableMediaException>()
            .WithMessage("The image is 30000x30000 pixels (900 megapixels); at most 50,000,000 pixels (50 megapixels) are accepted.");
    }

    [Fact]
    public async Task AJpegOverAConfiguredPixelLimitIsRefusedWithItsDimensions()
    {
        var options = new ImageOptions { MaxInputPixels = 10_000_000 };

        var act = async () => await Processor.ProcessAsync(await File.ReadAllBytesAsync(Wallpapers.FlowJpeg), options, CancellationToken.None);

        await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The image is 5120x2880 pixels (14.7 megapixels); at most 10,000,000 pixels*");
    }

    [Fact]
    public async Task AProgressiveJpegRepeatingItsLumaScan3000TimesIsRefusedBeforeDecoding()
    {
        var hostile = HostileJpegs.RepeatedLumaAcScan(3_000);
        HostileJpegs.ScanCount(hostile).Should().BeGreaterThan(3_000);

        var act = () => Process(hostile);

        await act.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The JPEG has more than 100 scans;*");
    }

    [Fact]
    public async Task TheProcessorKeepsWorkingAfterEveryKindOfRefusal()
    {
        byte[][] hostile = [[], ImageBytes.Text, ImageBytes.SvgWithScript, ImageBytes.Bmp(8, 8), ImageBytes.PngDeclaring(30_000, 30_000),
            ImageBytes.GarbageAfter([0xff, 0xd8, 0xff, 0xe0], 4096, seed: 3), HostileJpegs.RepeatedLumaAcScan(200)];
        foreach (var input in hostile)
        {
            var refused = () => Process(input);
            await refused.Should().ThrowAsync<Exception>();
        }

        var result = await Process(await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg));

        result.Image.Width.Should().Be(640);
    }

    private static byte[] Unsupported(string kind) => kind switch
    {
        "text" => ImageBytes.Text,
        "svg" => ImageBytes.Svg,
        "svg with a script" => ImageBytes.SvgWithScript,
        "bmp" => ImageBytes.Bmp(64, 48),
        "ppm" => ImageBytes.Ppm(64, 48),
        _ => ImageBytes.PdfHeader,
    };

    private Task<ProcessedImage> Process(byte[] input) => Processor.ProcessAsync(input, new ImageOptions(), CancellationToken.None);

    [Collection(ImagingTestGroup.Name)]
    public sealed class InProcess(ImagingFixture fixture) : HostileImageInputTests(fixture, ImageIsolation.InProcess);

    [Collection(ImagingTestGroup.Name)]
    public sealed class InWorkers(ImagingFixture fixture) : HostileImageInputTests(fixture, ImageIsolation.Process);
}
