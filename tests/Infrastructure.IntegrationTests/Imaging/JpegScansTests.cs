using AbParts.Infrastructure.Imaging;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>The scan counter that refuses repeated-scan JPEGs, against an independent count on real and built files.</summary>
public sealed class JpegScansTests
{
    [Fact]
    public void AProgressiveWallpaperHasTheScansOfItsScript()
    {
        var jpeg = File.ReadAllBytes(Wallpapers.FlowJpeg);

        var scans = JpegScans.Count(jpeg);

        scans.Should().Be(HostileJpegs.ScanCount(jpeg)).And.BeInRange(2, JpegScans.Limit);
    }

    [Fact]
    public void ABaselinePhotographHasOneScan()
    {
        JpegScans.Count(File.ReadAllBytes(Wallpapers.PathJpeg)).Should().Be(1);
    }

    [Fact]
    public void EveryRepeatedScanIsCounted()
    {
        var jpeg = HostileJpegs.RepeatedLumaAcScan(250);

        JpegScans.Count(jpeg).Should().Be(HostileJpegs.ScanCount(jpeg)).And.BeGreaterThan(250);
    }

    [Fact]
    public void CountingStopsOnceTheLimitIsPassed()
    {
        JpegScans.Count(HostileJpegs.RepeatedLumaAcScan(3_000), stopAfter: JpegScans.Limit + 1).Should().Be(JpegScans.Limit + 1);
    }

    [Fact]
    public void TruncatedOrGarbageInputEndsTheCountWithoutFailing()
    {
        var jpeg = File.ReadAllBytes(Wallpapers.FlowJpeg);

        JpegScans.Count(jpeg.AsSpan(0, jpeg.Length / 3)).Should().BeLessThan(JpegScans.Count(jpeg));
        JpegScans.Count(ImageBytes.GarbageAfter([0xff, 0xd8, 0xff, 0xe0], 4096, seed: 4)).Should().BeLessThan(2);
    }
}
