using System.Buffers.Binary;
using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.Imaging.Jpeg;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// The two-core progressive JPEG decoder against libjpeg's whole-file decode as libvips runs it
/// (<c>vips jpegload --shrink</c>): the same pixels, byte for byte, or null so that libvips decodes.
/// </summary>
[Collection(ImagingTestGroup.Name)]
public sealed class ParallelJpegDecoderTests(ImagingFixture fixture)
{
    public static TheoryData<string, int> ProgressiveInputs => new()
    {
        { "flow", 1 }, { "flow", 2 }, { "flow", 4 }, { "flow", 8 },
        { "volna", 2 },
        { "subsampled-odd", 1 }, { "subsampled-odd", 2 }, { "subsampled-odd", 4 }, { "subsampled-odd", 8 },
        { "restarts", 1 }, { "restarts", 4 },
        { "trailing-bytes", 2 },
    };

    [Fact]
    public void TheNativeLibraryIsBuiltAndLoads()
    {
        ImagingLibrary.IsAvailable.Should().BeTrue("the build compiles libabparts_imaging.so beside the assembly");
    }

    [Theory]
    [MemberData(nameof(ProgressiveInputs))]
    public void AProgressiveJpegDecodesToTheSamePixelsAsAWholeFileDecode(string input, int scale)
    {
        var file = Input(input);

        using var pixels = ParallelJpegDecoder.TryDecode(File.ReadAllBytes(file), scale, NullLogger.Instance);

        pixels.Should().NotBeNull("a progressive YCbCr JPEG is the decoder's own case");
        var expected = fixture.Decode($"{file}[shrink={scale}]");
        (pixels!.Width, pixels.Height, pixels.Bands).Should().Be((expected.Width, expected.Height, 3));
        pixels.Span.SequenceEqual(expected.Pixels).Should().BeTrue("the merged coefficients are the file's own");
    }

    [Theory]
    [InlineData("baseline")]
    [InlineData("grey")]
    [InlineData("truncated")]
    [InlineData("last-scan-dropped")]
    [InlineData("chroma-scan-corrupted")]
    public void AnythingElseIsLeftToLibvips(string input)
    {
        using var pixels = ParallelJpegDecoder.TryDecode(File.ReadAllBytes(Input(input)), 2, NullLogger.Instance);

        pixels.Should().BeNull();
    }

    [Theory]
    [InlineData("baseline", 1)]
    [InlineData("baseline", 2)]
    [InlineData("baseline", 4)]
    [InlineData("baseline", 8)]
    [InlineData("baseline-restarts", 2)]
    [InlineData("path", 2)]
    public void ASequentialJpegDecodesToTheSamePixelsAsLibvipsLoader(string input, int scale)
    {
        var file = Input(input);
        var expected = fixture.Decode($"{file}[shrink={scale}]");
        var (width, height) = Size(file);

        using var pixels = SequentialJpegDecoder.TryDecode(File.ReadAllBytes(file), width, height, scale, NullLogger.Instance);

        pixels.Should().NotBeNull();
        (pixels!.Width, pixels.Height).Should().Be((expected.Width, expected.Height));
        pixels.Span.SequenceEqual(expected.Pixels).Should().BeTrue();
    }

    [Theory]
    [InlineData("flow")]
    [InlineData("grey-baseline")]
    [InlineData("cmyk-baseline")]
    [InlineData("truncated-baseline")]
    public void TheSequentialDecoderLeavesProgressiveGreyCmykAndDamagedFilesToLibvips(string input)
    {
        var file = Input(input);
        var (width, height) = Size(file);

        using var pixels = SequentialJpegDecoder.TryDecode(File.ReadAllBytes(file), width, height, 1, NullLogger.Instance);

        pixels.Should().BeNull();
    }

    [Fact]
    public async Task AFileTheDecoderRefusesIsStillProcessedThroughLibvips()
    {
        // valid, but its last refinement never came: libjpeg fills the gap by smoothing, which only a whole-file decode does
        var processed = await fixture.Processor.ProcessAsync(File.ReadAllBytes(Input("last-scan-dropped")), new ImageOptions(), CancellationToken.None);

        (processed.Image.Width, processed.Image.Height).Should().Be((1001, 563));
    }

    [Theory]
    [InlineData("flow")]
    [InlineData("volna")]
    [InlineData("subsampled-odd")]
    public void TheSplitGivesLumasOwnScansToTheMainStreamAndEveryOtherScanToTheChromaStream(string input)
    {
        var file = File.ReadAllBytes(Input(input));

        using var split = ProgressiveJpegSplit.TrySplit(file);

        split.Should().NotBeNull();
        var frame = Segments(file).Single(s => s.Code == 0xC2).Body;
        Segments(split!.Main).Single(s => s.Code == 0xC2).Body.Should().Equal(frame);
        Segments(split.Chroma).Single(s => s.Code == 0xC2).Body.Should().Equal(frame);
        var luma = frame[6];
        var mainScans = Segments(split.Main).Where(s => s.Code == 0xDA).Select(s => s.Body).ToList();
        var chromaScans = Segments(split.Chroma).Where(s => s.Code == 0xDA).Select(s => s.Body).ToList();
        mainScans.Should().NotBeEmpty().And.OnlyContain(scan => scan[0] == 1 && scan[1] == luma);
        chromaScans.Should().NotBeEmpty().And.NotContain(scan => scan[0] == 1 && scan[1] == luma);
        (mainScans.Count + chromaScans.Count).Should().Be(Segments(file).Count(s => s.Code == 0xDA), "every scan goes to one stream");
    }

    [Fact]
    public void NoPrefixOrSingleByteChangeOfAFileHeaderMakesTheSplitThrow()
    {
        var file = File.ReadAllBytes(Input("subsampled-odd"));
        var header = Math.Min(file.Length, 1200);
        for (var length = 0; length <= header; length++)
        {
            using var _ = ProgressiveJpegSplit.TrySplit(file.AsSpan(0, length));
        }

        var random = new Random(20261121);
        for (var round = 0; round < 2000; round++)
        {
            var changed = (byte[])file.Clone();
            changed[random.Next(header)] = (byte)random.Next(256);
            using var _ = ProgressiveJpegSplit.TrySplit(changed);
        }
    }

    [Theory]
    [InlineData("flow", 2)]
    [InlineData("progressive-4096", 2)]
    [InlineData("progressive-4095", 1)]
    [InlineData("subsampled-odd", 1)]
    [InlineData("baseline", 1)]
    [InlineData("baseline-5120", 2)]
    [InlineData("path", 1)]
    public async Task TheProcessorStoresTheSameBytesWhetherAJpegIsDecodedByLibjpegOrByLibvips(string input, int scale)
    {
        var bytes = await File.ReadAllBytesAsync(Input(input));
        var (width, height) = Size(Input(input));
        VipsImageProcessor.JpegShrinkOnLoad(width, height, 1024).Should().Be(scale, "libvips' thumbnail leaves its Lanczos step at least 2×");
        using (var pixels = ParallelJpegDecoder.TryDecode(bytes, scale, NullLogger.Instance)
               ?? SequentialJpegDecoder.TryDecode(bytes, width, height, scale, NullLogger.Instance))
        {
            pixels.Should().NotBeNull("else this test would compare libvips with itself");
        }

        var twoCores = await fixture.Processor.ProcessAsync(bytes, new ImageOptions(), CancellationToken.None);
        var libvips = await new VipsImageProcessor(fixture.Logging) { DecodeJpegsWithLibjpeg = false }
            .ProcessAsync(bytes, new ImageOptions(), CancellationToken.None);

        twoCores.Image.Bytes.Should().Equal(libvips.Image.Bytes);
        twoCores.Thumbnails.Keys.Should().BeEquivalentTo(libvips.Thumbnails.Keys);
        foreach (var (size, thumbnail) in twoCores.Thumbnails)
        {
            thumbnail.Bytes.Should().Equal(libvips.Thumbnails[size].Bytes, $"the {size} px thumbnail comes from the same pixels");
        }
    }

    [Fact]
    public void ADamagedFileDecodesToWhatAWholeFileDecodeGivesOrIsLeftToLibvips()
    {
        var file = File.ReadAllBytes(Input("subsampled-odd"));
        var firstScan = Segments(file).First(s => s.Code == 0xDA).Offset;
        var random = new Random(1121);
        var (decoded, declined) = (0, 0);
        for (var round = 0; round < 60; round++)
        {
            var damaged = (byte[])file.Clone();
            for (var change = 0; change < 3; change++)
            {
                damaged[random.Next(firstScan, damaged.Length - 2)] = (byte)random.Next(256);
            }

            using var pixels = ParallelJpegDecoder.TryDecode(damaged, 2, NullLogger.Instance);
            if (pixels is null)
            {
                declined++;
                continue;
            }

            decoded++;
            var expected = fixture.Decode(fixture.Save(damaged, "damaged.jpg") + "[shrink=2]");
            pixels.Span.SequenceEqual(expected.Pixels).Should().BeTrue($"round {round} decoded, so it must match libjpeg's own decode");
        }

        (decoded, declined).Should().Match<(int Decoded, int Declined)>(counts => counts.Decoded > 0 && counts.Declined > 0,
            "damage that libjpeg notices must be declined, and damage it does not notice decoded as libjpeg decodes it");
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xFF, 0xD8 })]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 })]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })]
    public void BytesThatAreNoProgressiveJpegDoNotSplit(byte[] bytes)
    {
        ProgressiveJpegSplit.TrySplit(bytes).Should().BeNull();
    }

    /// <summary>The width and height in the file's header, as vipsheader reads them.</summary>
    private static (int Width, int Height) Size(string file) =>
        (int.Parse(Cli.Header(file, "width"), System.Globalization.CultureInfo.InvariantCulture),
         int.Parse(Cli.Header(file, "height"), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The test inputs, made once from a wallpaper with the vips CLI.</summary>
    private string Input(string name) => name switch
    {
        "flow" => Wallpapers.FlowJpeg, // progressive, 4:4:4, DC scans interleave the three components
        "volna" => Wallpapers.VolnaJpeg, // progressive, 4:4:4, a DC scan per component
        "subsampled-odd" => fixture.Make("progressive-420-1001.jpg",
            path => Cli.Vips("thumbnail", Wallpapers.FlowJpeg, path + "[Q=90,interlace,subsample-mode=on,strip]", "1001")),
        "restarts" => fixture.Make("progressive-restarts.jpg",
            path => Cli.Vips("thumbnail", Wallpapers.PathJpeg, path + "[Q=90,interlace,subsample-mode=off,restart-interval=3]", "900")),
        "trailing-bytes" => fixture.Make("progressive-trailing.jpg",
            path => File.WriteAllBytes(path, [.. File.ReadAllBytes(Input("subsampled-odd")), .. "trailing bytes"u8])),
        "progressive-4096" => fixture.Make("progressive-4096.jpg",
            path => Cli.Vips("thumbnail", Wallpapers.FlowJpeg, path + "[Q=90,interlace,strip]", "4096")),
        "progressive-4095" => fixture.Make("progressive-4095.jpg",
            path => Cli.Vips("thumbnail", Wallpapers.FlowJpeg, path + "[Q=90,interlace,strip]", "4095")),
        "path" => Wallpapers.PathJpeg, // baseline, 4:4:4, an ICC profile
        "baseline-5120" => fixture.Make("baseline-5120.jpg",
            path => Cli.Vips("copy", Wallpapers.FlowJpeg, path + "[Q=88,interlace=false]")),
        "baseline-restarts" => fixture.Make("baseline-restarts.jpg",
            path => Cli.Vips("thumbnail", Wallpapers.PathJpeg, path + "[Q=90,restart-interval=5]", "999")),
        "grey-baseline" => fixture.Make("baseline-grey.jpg",
            path => Cli.Vips("colourspace", Input("baseline"), path, "b-w")),
        "cmyk-baseline" => fixture.Make("baseline-cmyk.jpg",
            path => Cli.Vips("icc_transform", Input("baseline"), path, "cmyk")),
        "truncated-baseline" => fixture.Make("baseline-truncated.jpg",
            path => File.WriteAllBytes(path, File.ReadAllBytes(Input("baseline"))[..^3000])),
        "baseline" => fixture.Make("baseline-1001.jpg",
            path => Cli.Vips("thumbnail", Wallpapers.FlowJpeg, path + "[Q=90,strip]", "1001")),
        "grey" => fixture.Make("progressive-grey.jpg",
            path => Cli.Vips("colourspace", Input("subsampled-odd"), path + "[interlace]", "b-w")),
        "truncated" => fixture.Make("progressive-truncated.jpg",
            path => File.WriteAllBytes(path, File.ReadAllBytes(Input("subsampled-odd"))[..^4000])),
        "last-scan-dropped" => fixture.Make("progressive-last-scan-dropped.jpg",
            path => File.WriteAllBytes(path, WithoutLastScan(File.ReadAllBytes(Input("subsampled-odd"))))),
        "chroma-scan-corrupted" => fixture.Make("progressive-chroma-corrupted.jpg",
            path => File.WriteAllBytes(path, WithChromaScanCorrupted(File.ReadAllBytes(Input("subsampled-odd"))))),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>The file cut before its last scan, with an EOI: a valid JPEG whose final refinement never came.</summary>
    private static byte[] WithoutLastScan(byte[] file)
    {
        var lastScan = Segments(file).Last(s => s.Code == 0xDA).Offset;
        return [.. file[..lastScan], 0xFF, 0xD9];
    }

    /// <summary>A marker written into the middle of a chroma AC scan's entropy-coded data: libjpeg warns of corrupt data.</summary>
    private static byte[] WithChromaScanCorrupted(byte[] file)
    {
        var scan = Segments(file).First(s => s.Code == 0xDA && s.Body[0] == 1 && s.Body[3] > 0 && s.Body[1] != 1);
        var middle = scan.Offset + 4 + scan.Body.Length + (scan.EntropyLength / 2);
        var corrupted = (byte[])file.Clone();
        corrupted[middle] = 0xFF;
        corrupted[middle + 1] = 0xD0 + 5; // a restart marker where none is due
        return corrupted;
    }

    /// <summary>The marker segments of a JPEG stream: offset of the 0xFF, code, body, and for scans the entropy-coded length after it.</summary>
    private static List<(int Offset, byte Code, byte[] Body, int EntropyLength)> Segments(ReadOnlySpan<byte> jpeg)
    {
        var segments = new List<(int, byte, byte[], int)>();
        var at = 2;
        while (at + 4 <= jpeg.Length && jpeg[at] == 0xFF && jpeg[at + 1] != 0xD9)
        {
            var code = jpeg[at + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(at + 2)..]);
            var body = jpeg.Slice(at + 4, length - 2).ToArray();
            var end = at + 2 + length;
            if (code == 0xDA)
            {
                while (!(jpeg[end] == 0xFF && jpeg[end + 1] != 0 && jpeg[end + 1] is < 0xD0 or > 0xD7))
                {
                    end++;
                }
            }

            segments.Add((at, code, body, end - (at + 2 + length)));
            at = end;
        }

        return segments;
    }
}
