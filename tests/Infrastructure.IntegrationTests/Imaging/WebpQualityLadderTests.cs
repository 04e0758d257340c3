using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>The quality ladder: the best quality that fits the byte budget, or a clear refusal.</summary>
public abstract class WebpQualityLadderTests(ImagingFixture fixture, ImageIsolation isolation)
{
    private IImageProcessor Processor => fixture.Processor(isolation);

    [Fact]
    public async Task TheFirstQualityIsKeptWhenItFitsExactly()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.FlowJpeg);
        var atTopQuality = await Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
        var options = new ImageOptions { MaxBytes = atTopQuality.Image.Bytes.Length };

        var result = await Processor.ProcessAsync(photo, options, CancellationToken.None);

        result.Quality.Should().Be(85);
        result.Image.Bytes.Should().Equal(atTopQuality.Image.Bytes);
    }

    [Fact]
    public async Task ALowerQualityIsChosenWhenTheFirstRungsOvershoot()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.FlowJpeg);
        var atTopQuality = await Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
        var options = new ImageOptions { MaxBytes = 20_000 };
        atTopQuality.Image.Bytes.Length.Should().BeGreaterThan(options.MaxBytes, "quality 85 must overshoot for this test to mean anything");

        var result = await Processor.ProcessAsync(photo, options, CancellationToken.None);

        result.Quality.Should().BeLessThan(85).And.BeOneOf(options.QualityLadder);
        result.Image.Bytes.Length.Should().BeLessThanOrEqualTo(20_000);
        result.Thumbnails.Values.Should().OnlyContain(t => t.Bytes.Length <= 20_000);
        WebpInspector.Read(result.Image.Bytes).Width.Should().Be(1024);
    }

    [Fact]
    public async Task AnImageThatFitsAtNoQualityIsRefusedAsUnprocessable()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.FlowJpeg);
        var options = new ImageOptions { MaxBytes = 200 };

        var act = () => Processor.ProcessAsync(photo, options, CancellationToken.None);

        await act.Should().ThrowAsync<UnprocessableMediaException>()
            .WithMessage("The image (1024x576) cannot be compressed to 200 bytes: at WebP quality 40, the lowest allowed, it is still * bytes.*");
    }

    [Collection(ImagingTestGroup.Name)]
    public sealed class InProcess(ImagingFixture fixture) : WebpQualityLadderTests(fixture, ImageIsolation.InProcess);

    [Collection(ImagingTestGroup.Name)]
    public sealed class InWorkers(ImagingFixture fixture) : WebpQualityLadderTests(fixture, ImageIsolation.Process);
}
