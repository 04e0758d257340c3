using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// The block list itself, tried by calling libvips' loaders directly (bypassing the processor's allow-list):
/// once the pipeline has started libvips, untrusted loaders refuse to run at all.
/// </summary>
[Collection(ImagingTestGroup.Name)]
public sealed class LibVipsHardeningTests(ImagingFixture fixture)
{
    public static TheoryData<string> BlockedLoaders => ["svgload_buffer", "pdfload_buffer", "ppmload_buffer", "magickload_buffer"];

    [Theory]
    [MemberData(nameof(BlockedLoaders))]
    public async Task AnUntrustedLoaderIsBlockedEvenWhenLibvipsIsCalledDirectly(string loader)
    {
        await StartLibVipsAsync();
        var input = loader.StartsWith("svg", StringComparison.Ordinal) ? ImageBytes.SvgWithScript
            : loader.StartsWith("pdf", StringComparison.Ordinal) ? ImageBytes.PdfHeader : ImageBytes.Ppm(16, 16);

        var error = LibVipsProbe.TryLoad(loader, input);

        error.Should().Match(e => e.Contains("operation is blocked") || e.Contains("class \"" + loader + "\" not found"),
            "the loader is either blocked or not built into this libvips");
    }

    [Fact]
    public async Task TheSvgLoaderIsPresentSoTheBlockIsWhatStopsIt()
    {
        await StartLibVipsAsync();

        var error = LibVipsProbe.TryLoad("svgload_buffer", ImageBytes.Svg);

        error.Should().Contain("operation is blocked");
    }

    [Fact]
    public async Task ATrustedLoaderStillRunsWhenLibvipsIsCalledDirectly()
    {
        await StartLibVipsAsync();

        var error = LibVipsProbe.TryLoad("jpegload_buffer", await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg));

        error.Should().BeNull();
    }

    /// <summary>Runs one image in process: libvips is started and hardened in the test process.</summary>
    private async Task StartLibVipsAsync() =>
        await fixture.Processor(ImageIsolation.InProcess).ProcessAsync(await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg), new ImageOptions(), CancellationToken.None);
}
