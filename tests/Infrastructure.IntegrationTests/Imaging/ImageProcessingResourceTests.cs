using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>Memory, concurrency, native buffers and logs: what a long-running service needs from the engine.</summary>
[Collection(ImagingTestGroup.Name)]
public sealed class ImageProcessingResourceTests(ImagingFixture fixture)
{
    private const long InProcessBound = 600L << 20;

    [Fact]
    public async Task AFlat49MegapixelProgressive444JpegIsProcessedInBoundedMemory()
    {
        var input = HostileJpegs.FlatProgressive(7000, 7000, subsample: false);
        var baseline = MemoryProbe.ResetPeak();

        var result = await fixture.Processor(ImageIsolation.InProcess).ProcessAsync(input, new ImageOptions(), CancellationToken.None);

        var growth = MemoryProbe.Peak() - baseline;
        (result.Image.Width, result.Image.Height).Should().Be((1024, 1024));
        growth.Should().BeLessThan(InProcessBound, "one image's coefficients (294 MB) and little else: grew by {0} MB", growth >> 20);
    }

    [Fact]
    public async Task APngDeclaring30000By30000PixelsIsRefusedWithoutDecodingAnything()
    {
        var bomb = ImageBytes.PngDeclaring(30_000, 30_000);
        var baseline = MemoryProbe.ResetPeak();

        var act = () => fixture.Processor(ImageIsolation.InProcess).ProcessAsync(bomb, new ImageOptions(), CancellationToken.None);

        await act.Should().ThrowAsync<Application.Common.Exceptions.UnprocessableMediaException>();
        (MemoryProbe.Peak() - baseline).Should().BeLessThan(64L << 20, "decoding 30000x30000 RGB would take 2.7 GB; the header alone takes nothing");
    }

    [Theory]
    [InlineData(ImageIsolation.InProcess)]
    [InlineData(ImageIsolation.Process)]
    public async Task EightConcurrentUploadsOfA5120By2880PhotoAllSucceedWithIdenticalOutput(ImageIsolation isolation)
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.SafeLandingJpeg);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            fixture.Processor(isolation).ProcessAsync(photo, new ImageOptions(), CancellationToken.None)));

        foreach (var result in results)
        {
            result.Image.Bytes.Should().Equal(results[0].Image.Bytes);
            result.Thumbnails[300].Bytes.Should().Equal(results[0].Thumbnails[300].Bytes);
        }
    }

    [Fact]
    public async Task EveryPixelBufferIsFreedAfterSuccessesAndFailures()
    {
        var processor = fixture.Processor(ImageIsolation.InProcess);
        var photo = await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg);
        var truncated = photo[..(photo.Length / 2)];
        await processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None); // warm-up: libvips' one-time state
        var before = LibVipsProbe.LiveBuffers();

        for (var i = 0; i < 5; i++)
        {
            await processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
            await Swallow(processor.ProcessAsync(truncated, new ImageOptions(), CancellationToken.None));
            await Swallow(processor.ProcessAsync(photo, new ImageOptions { MaxBytes = 100 }, CancellationToken.None));
            await Swallow(processor.ProcessAsync(ImageBytes.PngDeclaring(30_000, 30_000), new ImageOptions(), CancellationToken.None));
        }

        LibVipsProbe.LiveBuffers().Should().Be(before);
    }

    [Fact]
    public async Task LibvipsWarningsInAWorkerReachTheServiceLog()
    {
        // The Path photograph's EXIF block has a resolution unit libvips does not know, and it says so.
        var before = fixture.Logs.Entries.Count;

        await fixture.Processor(ImageIsolation.Process).ProcessAsync(await File.ReadAllBytesAsync(Wallpapers.PathJpeg), new ImageOptions(), CancellationToken.None);

        // The worker's standard error is read as it comes, so the line may reach the log just after the answer.
        bool Logged() => fixture.Logs.Entries.Skip(before).Any(entry =>
            entry.Category == typeof(WorkerPoolImageProcessor).FullName && entry.Level == LogLevel.Debug &&
            entry.Message.EndsWith(": libvips: unknown EXIF resolution unit", StringComparison.Ordinal));
        for (var waited = 0; !Logged() && waited < 100; waited++)
        {
            await Task.Delay(100);
        }

        Logged().Should().BeTrue();
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
