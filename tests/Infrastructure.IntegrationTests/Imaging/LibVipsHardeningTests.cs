using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// The block list itself, tried by calling libvips directly (bypassing the processor's allow-list):
/// once the processor has started libvips, untrusted loaders refuse to run at all.
/// </summary>
[Collection(ImagingTestGroup.Name)]
public sealed class LibVipsHardeningTests(ImagingFixture fixture)
{
    public static TheoryData<string> BlockedKinds => ["bmp", "svg", "pdf"];

    [Theory]
    [MemberData(nameof(BlockedKinds))]
    public void AnUntrustedLoaderIsBlockedEvenWhenLibvipsIsCalledDirectly(string kind)
    {
        _ = fixture.Processor; // libvips started and hardened
        var input = kind switch
        {
            "bmp" => ImageBytes.Bmp(16, 16),
            "svg" => ImageBytes.Svg,
            _ => ImageBytes.PdfHeader,
        };

        var error = LibVipsProbe.TryOpen(input);

        error.Should().Contain("operation is blocked");
    }

    [Fact]
    public void ATrustedLoaderStillRunsWhenLibvipsIsCalledDirectly()
    {
        _ = fixture.Processor;

        var error = LibVipsProbe.TryOpen(File.ReadAllBytes(fixture.SmallPhotoJpeg));

        error.Should().BeNull();
    }
}
