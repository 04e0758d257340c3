using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;
using NetVips;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>The pipeline on real photographs: size, format, aspect ratio, thumbnails, metadata; the same in both isolation modes.</summary>
public abstract class ImageProcessorTests(ImagingFixture fixture, ImageIsolation isolation)
{
    private IImageProcessor Processor => fixture.Processor(isolation);

    [Fact]
    public async Task ALargePhotoBecomesAWebpOfAtMost1024PixelsAnd500Kilobytes()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.FlowJpeg);

        var result = await Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        WebpInspector.HasWebpMagic(result.Image.Bytes).Should().BeTrue();
        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((1024, 576));
        (result.Image.Width, result.Image.Height).Should().Be((1024, 576));
        result.Image.Bytes.Length.Should().BeLessThanOrEqualTo(512_000);
        result.SourceFormat.Should().Be("jpeg");
        result.Quality.Should().Be(85);
    }

    [Fact]
    public async Task TheOutputDecodesElsewhereToTheSizeItReports()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.SafeLandingJpeg);

        var result = await Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        Fixtures.Header(result.Image.Bytes, "vips-loader").Should().Be("webpload_buffer");
        Fixtures.Header(result.Image.Bytes, "width").Should().Be(result.Image.Width.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Fixtures.Header(result.Image.Bytes, "height").Should().Be(result.Image.Height.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Fixtures.Header(result.Image.Bytes, "bands").Should().Be("3");
    }

    [Fact]
    public async Task ThumbnailsOf100And200And300PixelsKeepTheAspectRatio()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.FlowJpeg);

        var result = await Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        result.Thumbnails.Keys.Should().BeEquivalentTo([100, 200, 300]);
        foreach (var (size, thumbnail) in result.Thumbnails)
        {
            var info = WebpInspector.Read(thumbnail.Bytes);
            info.Width.Should().Be(size, "the longest side of the {0} px thumbnail is its width", size);
            info.Height.Should().BeCloseTo((int)Math.Round(size * 2880 / 5120.0), 1);
            (thumbnail.Width, thumbnail.Height).Should().Be((info.Width, info.Height));
            thumbnail.Bytes.Length.Should().BeLessThanOrEqualTo(512_000);
        }
    }

    [Fact]
    public async Task ThumbnailsLookLikeTheStoredImage()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.PathJpeg);

        var result = await Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        var image = fixture.Decode(result.Image.Bytes);
        foreach (var thumbnail in result.Thumbnails.Values)
        {
            var small = fixture.Decode(thumbnail.Bytes);
            foreach (var (left, top) in new[] { (0.0, 0.0), (0.5, 0.0), (0.0, 0.5), (0.5, 0.5) })
            {
                small.Mean(left, top, 0.5, 0.5).MaxDifference(image.Mean(left, top, 0.5, 0.5)).Should().BeLessThan(6);
            }
        }
    }

    [Fact]
    public async Task APortraitPhotoKeepsItsHeightAsTheLongestSide()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.AltaiPortraitPng);

        var result = await Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((576, 1024));
        WebpInspector.Read(result.Thumbnails[100].Bytes).Height.Should().Be(100);
        result.SourceFormat.Should().Be("png");
    }

    [Fact]
    public async Task ASmallImageIsNeverEnlarged()
    {
        var small = fixture.Make("small-300x200.jpg", path => Fixtures.Save(path,
            () => Image.Thumbnail(fixture.SmallPhotoJpeg, 300, height: 200, size: Enums.Size.Force)));

        var result = await Processor.ProcessAsync(await File.ReadAllBytesAsync(small), new ImageOptions(), CancellationToken.None);

        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((300, 200));
        var thumbnail300 = WebpInspector.Read(result.Thumbnails[300].Bytes);
        (thumbnail300.Width, thumbnail300.Height).Should().Be((300, 200));
        var thumbnail100 = WebpInspector.Read(result.Thumbnails[100].Bytes);
        (thumbnail100.Width, thumbnail100.Height).Should().Be((100, 67));
    }

    [Fact]
    public async Task MetadataIsStrippedFromTheImageAndItsThumbnails()
    {
        var withProfile = fixture.Make("photo-with-p3.jpg", path => Fixtures.Save(path + "[Q=95]", () =>
        {
            using var photo = Image.NewFromFile(fixture.SmallPhotoJpeg);
            return photo.IccTransform("p3", inputProfile: "srgb");
        }));
        var input = ImageBytes.WithExif(await File.ReadAllBytesAsync(withProfile), orientation: 1, artist: "Jane Roe, 12 Secret Lane");
        Fixtures.Fields(input).Should().Contain("icc-profile-data");
        System.Text.Encoding.Latin1.GetString(input).Should().Contain("Jane Roe");

        var result = await Processor.ProcessAsync(input, new ImageOptions(), CancellationToken.None);

        foreach (var output in result.Thumbnails.Values.Prepend(result.Image))
        {
            WebpInspector.Read(output.Bytes).Chunks.Should().NotContain(["EXIF", "ICCP", "XMP "]);
            System.Text.Encoding.Latin1.GetString(output.Bytes).Should().NotContain("Jane Roe");
            Fixtures.Fields(output.Bytes).Should().NotContain(["exif-data", "icc-profile-data", "xmp-data"]);
        }
    }

    [Fact]
    public async Task IdenticalUploadsGiveIdenticalBytes()
    {
        var photo = await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg);

        var first = await Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
        var second = await Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        second.Image.Bytes.Should().Equal(first.Image.Bytes);
        second.Thumbnails[100].Bytes.Should().Equal(first.Thumbnails[100].Bytes);
    }

    [Fact]
    public async Task BothIsolationModesStoreTheSameBytes()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.PathJpeg);
        var other = isolation == ImageIsolation.InProcess ? ImageIsolation.Process : ImageIsolation.InProcess;

        var here = await Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
        var there = await fixture.Processor(other).ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        here.Image.Bytes.Should().Equal(there.Image.Bytes);
        here.Thumbnails.Keys.Should().BeEquivalentTo(there.Thumbnails.Keys);
        foreach (var size in here.Thumbnails.Keys)
        {
            here.Thumbnails[size].Bytes.Should().Equal(there.Thumbnails[size].Bytes);
        }
    }

    [Fact]
    public async Task ACancelledRequestDoesNotStartTheWork()
    {
        var photo = await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = () => Processor.ProcessAsync(photo, new ImageOptions(), cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Collection(ImagingTestGroup.Name)]
    public sealed class InProcess(ImagingFixture fixture) : ImageProcessorTests(fixture, ImageIsolation.InProcess);

    [Collection(ImagingTestGroup.Name)]
    public sealed class InWorkers(ImagingFixture fixture) : ImageProcessorTests(fixture, ImageIsolation.Process);
}
