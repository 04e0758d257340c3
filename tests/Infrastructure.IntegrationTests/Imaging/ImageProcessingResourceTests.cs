using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using Microsoft.Extensions.Logging;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>Memory, concurrency, native objects and logs: what a long-running service needs from the binding.</summary>
[Collection(ImagingTestGroup.Name)]
public sealed class ImageProcessingResourceTests(ImagingFixture fixture)
{
    private const long MemoryBound = 800L << 20;

    [Fact]
    public async Task AProgressiveJpegJustUnderThePixelLimitIsProcessedInBoundedMemory()
    {
        var huge = fixture.Make("progressive-7000x7000.jpg", path =>
            Cli.Vips("thumbnail", Wallpapers.FlowJpeg, path + "[interlace,Q=85,strip]", "7000", "--height", "7000", "--size", "force"));
        Cli.Header(huge, "interlaced").Should().Be("1");
        var input = await File.ReadAllBytesAsync(huge);
        var options = new ImageOptions();
        (7000L * 7000).Should().BeLessThan(options.MaxInputPixels);
        var baseline = MemoryProbe.ResetPeak();

        var result = await fixture.Processor.ProcessAsync(input, options, CancellationToken.None);

        var growth = MemoryProbe.Peak() - baseline;
        (result.Image.Width, result.Image.Height).Should().Be((1024, 1024));
        growth.Should().BeLessThan(MemoryBound, "peak RSS grew by {0} MB", growth >> 20);
    }

    [Fact]
    public async Task EightConcurrentUploadsOfA5120By2880PhotoAllSucceedWithIdenticalOutput()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.SafeLandingJpeg);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None))));

        results.Should().HaveCount(8);
        foreach (var result in results)
        {
            result.Image.Bytes.Should().Equal(results[0].Image.Bytes);
            result.Thumbnails[300].Bytes.Should().Equal(results[0].Thumbnails[300].Bytes);
        }
    }

    [Fact]
    public async Task EightConcurrentUploadsOfA5120By2880PhotoStayInBoundedMemory()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.FlowJpeg);
        var baseline = MemoryProbe.ResetPeak();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None))));

        var growth = MemoryProbe.Peak() - baseline;
        growth.Should().BeLessThan(MemoryBound, "peak RSS grew by {0} MB", growth >> 20);
    }

    [Fact]
    public async Task EightConcurrentUploadsOfA5120By2880PngAllSucceedWithIdenticalOutput()
    {
        var png = await File.ReadAllBytesAsync(Wallpapers.AltaiPng); // decoded in managed code, on two threads each

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => fixture.Processor.ProcessAsync(png, new ImageOptions(), CancellationToken.None))));

        foreach (var result in results)
        {
            result.Image.Bytes.Should().Equal(results[0].Image.Bytes);
            result.Thumbnails[100].Bytes.Should().Equal(results[0].Thumbnails[100].Bytes);
        }
    }

    [Fact]
    public async Task EightConcurrentUploadsOfA5120By2880PngStayInBoundedMemory()
    {
        var png = await File.ReadAllBytesAsync(Wallpapers.AltaiPng);
        var baseline = MemoryProbe.ResetPeak();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => fixture.Processor.ProcessAsync(png, new ImageOptions(), CancellationToken.None))));

        var growth = MemoryProbe.Peak() - baseline;
        growth.Should().BeLessThan(MemoryBound, "peak RSS grew by {0} MB", growth >> 20);
    }

    [Fact]
    public async Task EveryNativeObjectIsFreedAfterSuccessesAndFailures()
    {
        var photo = await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg);
        var truncated = photo[..(photo.Length / 2)];
        await fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None); // warm-up: libvips' one-time state
        var before = LibVipsProbe.LiveObjects();

        for (var i = 0; i < 5; i++)
        {
            await fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
            await Swallow(fixture.Processor.ProcessAsync(truncated, new ImageOptions(), CancellationToken.None));
            await Swallow(fixture.Processor.ProcessAsync(photo, new ImageOptions { MaxBytes = 100 }, CancellationToken.None));
            await Swallow(fixture.Processor.ProcessAsync(ImageBytes.PngDeclaring(30_000, 30_000), new ImageOptions(), CancellationToken.None));
        }

        LibVipsProbe.LiveObjects().Should().Be(before).And.Be(0, "no earlier imaging test may have leaked either");
    }

    [Fact]
    public async Task EveryNativeObjectIsFreedAfterPngsDecodedInManagedCode()
    {
        var large = await File.ReadAllBytesAsync(Wallpapers.AltaiPng); // halved on the way
        var small = await File.ReadAllBytesAsync(fixture.Make("resources-photo.png", path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path)));
        byte[][] malformed = [HostilePngs.Make("truncated in the image data"), HostilePngs.Make("a flipped byte in the image data (bad CRC)")];
        await fixture.Processor.ProcessAsync(small, new ImageOptions(), CancellationToken.None); // warm-up
        var before = LibVipsProbe.LiveObjects();

        for (var i = 0; i < 3; i++)
        {
            await fixture.Processor.ProcessAsync(large, new ImageOptions(), CancellationToken.None);
            await fixture.Processor.ProcessAsync(small, new ImageOptions(), CancellationToken.None);
            await Swallow(fixture.Processor.ProcessAsync(small, new ImageOptions { MaxBytes = 100 }, CancellationToken.None));
            foreach (var png in malformed)
            {
                await Swallow(fixture.Processor.ProcessAsync(png, new ImageOptions(), CancellationToken.None));
            }
        }

        LibVipsProbe.LiveObjects().Should().Be(before).And.Be(0);
    }

    [Fact]
    public async Task LibvipsWarningsReachTheApplicationLog()
    {
        // libvips' HEIF loader warns "heifload: ignoring nclx profile" on the AVIF files libheif writes.
        var avif = fixture.Make("photo-for-log.avif", path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path));
        var before = fixture.Logs.Entries.Count;

        await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(avif), new ImageOptions(), CancellationToken.None);

        fixture.Logs.Entries.Skip(before).Should().Contain(entry =>
            entry.Category == "AbParts.Infrastructure.Imaging.LibVips" && entry.Level == LogLevel.Warning &&
            entry.Message == "libvips: heifload: ignoring nclx profile");
    }

    private static async Task Swallow(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is Application.Common.Exceptions.UnprocessableMediaException)
        {
        }
    }
}
