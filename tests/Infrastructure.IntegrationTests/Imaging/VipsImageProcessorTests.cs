using System.Globalization;
using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>The pipeline on real photographs: size, format, aspect ratio, thumbnails, metadata.</summary>
[Collection(ImagingTestGroup.Name)]
public sealed class VipsImageProcessorTests(ImagingFixture fixture)
{
    [Fact]
    public async Task ALargePhotoBecomesAWebpOfAtMost1024PixelsAnd500Kilobytes()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.FlowJpeg);

        var result = await fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        WebpInspector.HasWebpMagic(result.Image.Bytes).Should().BeTrue();
        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((1024, 576));
        (result.Image.Width, result.Image.Height).Should().Be((1024, 576));
        result.Image.Bytes.Length.Should().BeLessThanOrEqualTo(512_000);
        result.SourceFormat.Should().Be("jpeg");
    }

    [Fact]
    public async Task TheOutputDecodesElsewhereToTheSizeItReports()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.SafeLandingJpeg);

        var result = await fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        var file = fixture.Save(result.Image.Bytes, "photo.webp");
        Cli.Header(file, "vips-loader").Should().Be("webpload");
        Cli.Header(file, "width").Should().Be(result.Image.Width.ToString(CultureInfo.InvariantCulture));
        Cli.Header(file, "height").Should().Be(result.Image.Height.ToString(CultureInfo.InvariantCulture));
        Cli.Header(file, "bands").Should().Be("3");
    }

    [Fact]
    public async Task ThumbnailsOf100And200And300PixelsKeepTheAspectRatio()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.FlowJpeg);

        var result = await fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

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
    public async Task APortraitPhotoKeepsItsHeightAsTheLongestSide()
    {
        var photo = await File.ReadAllBytesAsync(Wallpapers.AltaiPortraitPng);

        var result = await fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        var info = WebpInspector.Read(result.Image.Bytes);
        (info.Width, info.Height).Should().Be((576, 1024));
        WebpInspector.Read(result.Thumbnails[100].Bytes).Height.Should().Be(100);
        result.SourceFormat.Should().Be("png");
    }

    [Fact]
    public async Task ASmallImageIsNeverEnlarged()
    {
        var small = fixture.Make("small-300x200.jpg",
            path => Cli.Vips("thumbnail", fixture.SmallPhotoJpeg, path, "300", "--height", "200", "--size", "force"));

        var result = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(small), new ImageOptions(), CancellationToken.None);

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
        var withProfile = fixture.Make("photo-with-icc.jpg",
            path => Cli.Vips("icc_transform", fixture.SmallPhotoJpeg, path + "[Q=95]", "srgb", "--embedded"));
        var input = ImageBytes.WithExif(await File.ReadAllBytesAsync(withProfile), orientation: 1, artist: "Jane Roe, 12 Secret Lane");
        Cli.AllHeaders(fixture.Save(input, "input.jpg")).Should().Contain("icc-profile-data").And.Contain("Jane Roe");

        var result = await fixture.Processor.ProcessAsync(input, new ImageOptions(), CancellationToken.None);

        foreach (var output in result.Thumbnails.Values.Prepend(result.Image))
        {
            WebpInspector.Read(output.Bytes).Chunks.Should().NotContain(["EXIF", "ICCP", "XMP "]);
            System.Text.Encoding.Latin1.GetString(output.Bytes).Should().NotContain("Jane Roe");
            Cli.AllHeaders(fixture.Save(output.Bytes, "stripped.webp")).Should()
                .NotContain("exif-data").And.NotContain("icc-profile-data").And.NotContain("xmp-data");
        }
    }

    [Fact]
    public async Task IdenticalUploadsGiveIdenticalBytes()
    {
        var photo = await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg);

        var first = await fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);
        var second = await fixture.Processor.ProcessAsync(photo, new ImageOptions(), CancellationToken.None);

        second.Image.Bytes.Should().Equal(first.Image.Bytes);
    }

    [Fact]
    public async Task ACancelledRequestDoesNotStartTheWork()
    {
        var photo = await File.ReadAllBytesAsync(fixture.SmallPhotoJpeg);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = () => fixture.Processor.ProcessAsync(photo, new ImageOptions(), cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }
}
