using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.Imaging.Png;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// The managed PNG decoder against libvips' own pngload: the same bytes for every kind it supports, and null
/// (left to libvips) for every kind it does not and every malformed file. Inputs are written byte by byte
/// (<see cref="PngBytes"/>) or made with the vips CLI; the reference pixels come from <c>vips rawsave</c>.
/// </summary>
[Collection(ImagingTestGroup.Name)]
public sealed class PngDecoderTests(ImagingFixture fixture)
{
    private const long NoLimit = long.MaxValue;

    public static TheoryData<string, int> KindsAndFilters()
    {
        var data = new TheoryData<string, int>();
        foreach (var kind in new[] { "grey", "grey-alpha", "rgb", "rgba", "palette", "palette-trns" })
        {
            for (var filter = 0; filter <= 5; filter++)
            {
                data.Add(kind, filter); // 5: each row a different filter, all five present
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndFilters))]
    public void EachKindAndFilterDecodesToLibvipsOwnPixels(string kind, int filter)
    {
        foreach (var (width, height) in new[] { (1, 1), (1, 6), (7, 3), (33, 1), (37, 11) })
        {
            var png = Build(kind, width, height, filter, seed: (width * 100) + height);

            using var pixels = PngDecoder.TryDecode(png.ToArray(), NoLimit);

            pixels.Should().NotBeNull("{0} {1}x{2}, filter {3}, is a kind the decoder supports", kind, width, height, filter);
            (pixels!.Width, pixels.Height, pixels.Shrink).Should().Be((width, height, 1));
            pixels.Span.SequenceEqual(LibvipsPixels(png.ToArray())).Should()
                .BeTrue("{0} {1}x{2}, filter {3}, should decode to libvips' pixels", kind, width, height, filter);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(5000)]
    public void TheZlibStreamSplitIntoManyIdatChunksIncludingEmptyOnesDecodesTheSame(int chunks)
    {
        var png = Build("rgb", 37, 11, filter: 5, seed: 3) with { IdatChunks = chunks };

        using var pixels = PngDecoder.TryDecode(png.ToArray(), NoLimit);

        pixels.Should().NotBeNull();
        pixels!.Span.SequenceEqual(LibvipsPixels(png.ToArray())).Should().BeTrue();
    }

    [Fact]
    public void AncillaryChunksBeforeAndAfterTheImageAreSkipped()
    {
        var gamma = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(gamma, 45455);
        var png = Build("rgb", 37, 11, filter: 5, seed: 4) with
        {
            ChunksBeforeImage = [("gAMA", gamma), ("tEXt", "Comment\0before"u8.ToArray()), ("prVt", [1, 2, 3])],
            ChunksAfterImage = [("tEXt", "Comment\0after"u8.ToArray())],
        };

        using var pixels = PngDecoder.TryDecode(png.ToArray(), NoLimit);

        pixels.Should().NotBeNull();
        pixels!.Span.SequenceEqual(LibvipsPixels(png.ToArray())).Should().BeTrue();
    }

    [Theory]
    [InlineData("rgb")]
    [InlineData("rgba")]
    [InlineData("palette-trns")]
    public void ALargeImageUnfilteredOnASecondThreadDecodesToLibvipsOwnPixels(string kind)
    {
        var png = Build(kind, 1100, 700, filter: 5, seed: 5); // over 1 MB inflated: inflating and unfiltering overlap

        using var pixels = PngDecoder.TryDecode(png.ToArray(), NoLimit);

        pixels.Should().NotBeNull();
        pixels!.Span.SequenceEqual(LibvipsPixels(png.ToArray())).Should().BeTrue();
    }

    [Theory]
    [InlineData("rgb", "")]
    [InlineData("rgb-all-filters", "[filter=all]")]
    [InlineData("rgba", "")]
    [InlineData("grey", "")]
    [InlineData("grey-alpha", "")]
    [InlineData("palette", "[palette]")]
    public void APngWrittenByLibvipsDecodesToItsOwnPixels(string kind, string saveOptions)
    {
        var file = fixture.Make($"vips-{kind}.png", path =>
        {
            var source = kind switch
            {
                "rgba" or "grey-alpha" => fixture.Make("photo-rgba.v", v => Cli.Vips("bandjoin_const", fixture.SmallPhotoJpeg, v, "128")),
                _ => fixture.SmallPhotoJpeg,
            };
            if (kind.StartsWith("grey", StringComparison.Ordinal))
            {
                var grey = path + ".v";
                Cli.Vips("colourspace", source, grey, "b-w");
                source = grey;
            }

            Cli.Vips("copy", source, path + saveOptions);
        });
        var bytes = File.ReadAllBytes(file);

        using var pixels = PngDecoder.TryDecode(bytes, NoLimit);

        pixels.Should().NotBeNull();
        (pixels!.Width, pixels.Height).Should().Be((640, 400));
        pixels.Span.SequenceEqual(LibvipsPixels(bytes)).Should().BeTrue();
    }

    [Fact]
    public void TheAltaiWallpaperDecodesToLibvipsOwnPixels()
    {
        var bytes = File.ReadAllBytes(Wallpapers.AltaiPng);

        using var pixels = PngDecoder.TryDecode(bytes, NoLimit);

        pixels.Should().NotBeNull();
        (pixels!.Width, pixels.Height, pixels.Bands).Should().Be((5120, 2880, 3));
        pixels.Span.SequenceEqual(LibvipsPixels(bytes)).Should().BeTrue();
    }

    [Fact]
    public void TheAltaiWallpaperHalvedOnTheWayMatchesVipsShrink()
    {
        var bytes = File.ReadAllBytes(Wallpapers.AltaiPng);

        using var pixels = PngDecoder.TryDecode(bytes, NoLimit, shrink: 2);

        pixels.Should().NotBeNull();
        (pixels!.Width, pixels.Height, pixels.Shrink).Should().Be((2560, 1440, 2));
        pixels.Span.SequenceEqual(LibvipsShrunkPixels(bytes)).Should().BeTrue();
    }

    [Theory]
    [InlineData("rgb", 37, 11)]
    [InlineData("rgb", 38, 12)]
    [InlineData("rgb", 5, 1)]
    [InlineData("rgb", 1, 1)]
    [InlineData("grey", 35, 9)]
    [InlineData("grey", 40, 2)]
    [InlineData("palette", 37, 11)]
    public void ImagesOfEveryShapeHalvedOnTheWayMatchVipsShrink(string kind, int width, int height)
    {
        var png = Build(kind, width, height, filter: 5, seed: width + height).ToArray();

        using var pixels = PngDecoder.TryDecode(png, NoLimit, shrink: 2);

        pixels.Should().NotBeNull();
        pixels!.Shrink.Should().Be(2);
        (pixels.Width, pixels.Height).Should().Be(((width + 1) / 2, (height + 1) / 2));
        pixels.Span.SequenceEqual(LibvipsShrunkPixels(png)).Should().BeTrue();
    }

    [Theory]
    [InlineData("rgba")]
    [InlineData("grey-alpha")]
    [InlineData("palette-trns")]
    public void ImagesWithAlphaAreNeverShrunkOnTheWay(string kind)
    {
        var png = Build(kind, 37, 11, filter: 5, seed: 6).ToArray();

        using var pixels = PngDecoder.TryDecode(png, NoLimit, shrink: 2);

        pixels.Should().NotBeNull();
        (pixels!.Width, pixels.Height, pixels.Shrink).Should().Be((37, 11, 1));
        pixels.Span.SequenceEqual(LibvipsPixels(png)).Should().BeTrue();
    }

    public static TheoryData<string> UnsupportedKinds => ["16-bit", "interlaced", "1-bit grey", "4-bit palette", "apng", "trns on rgb", "trns on grey"];

    [Theory]
    [MemberData(nameof(UnsupportedKinds))]
    public void KindsTheDecoderDoesNotSupportAreLeftToLibvips(string kind)
    {
        var png = Unsupported(kind);
        LibvipsPixels(png).Should().NotBeEmpty("libvips reads {0} PNGs", kind);

        using var pixels = PngDecoder.TryDecode(png, NoLimit);

        pixels.Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(HostilePngs.Names), MemberType = typeof(HostilePngs))]
    public void MalformedFilesAreLeftToLibvips(string name)
    {
        var png = HostilePngs.Make(name);

        using var pixels = PngDecoder.TryDecode(png, NoLimit);

        pixels.Should().BeNull();
    }

    [Fact]
    public void AFileWithoutThePngSignatureIsLeftToLibvips()
    {
        var png = Build("rgb", 37, 11, filter: 5, seed: 7).ToArray();
        png[7] = 0x0d;

        using var pixels = PngDecoder.TryDecode(png, NoLimit);

        pixels.Should().BeNull();
    }

    [Fact]
    public void AnImageOverThePixelLimitIsLeftToLibvips()
    {
        var png = Build("rgb", 37, 11, filter: 5, seed: 7).ToArray();

        using var pixels = PngDecoder.TryDecode(png, maxPixels: (37 * 11) - 1);

        pixels.Should().BeNull();
    }

    [Fact]
    public void TheVectorisedPaethPredictorAgreesWithTheSpecificationForEveryInput()
    {
        var mismatches = 0;
        for (var a = 0; a < 256; a++)
        {
            for (var b = 0; b < 256; b++)
            {
                for (var c = 0; c < 256; c += 8)
                {
                    var predicted = PngUnfilter.PaethStep.Step(Vector128.Create((short)a), Vector128.Create((short)b),
                        Vector128.Create((short)c, (short)(c + 1), (short)(c + 2), (short)(c + 3), (short)(c + 4), (short)(c + 5), (short)(c + 6), (short)(c + 7)),
                        Vector128<short>.Zero);
                    for (var k = 0; k < 8; k++)
                    {
                        mismatches += predicted.GetElement(k) == PngUnfilter.Predict(a, b, c + k) ? 0 : 1;
                    }
                }
            }
        }

        mismatches.Should().Be(0);
    }

    [Fact]
    public void TheChunkCrcIsTheStandardCrc32()
    {
        var data = PngBytes.RandomPixels(1000, 1, 3, seed: 8);

        var crc = PngCrc32.Compute(data);

        PngCrc32.Compute("IEND"u8).Should().Be(0xae426082);
        crc.Should().Be(PngBytes.Crc32(data));
    }

    /// <summary>A PNG of the given kind with random pixels; filter 0–4 on every row, or 5 for each row its own (all five present).</summary>
    internal static PngBytes Build(string kind, int width, int height, int filter, int seed)
    {
        var (colourType, samples) = kind switch
        {
            "grey" => (PngBytes.Grey, 1),
            "grey-alpha" => (PngBytes.GreyAlpha, 2),
            "rgb" => (PngBytes.Rgb, 3),
            "rgba" => (PngBytes.Rgba, 4),
            "palette" or "palette-trns" => (PngBytes.Palette, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var palette = colourType == PngBytes.Palette;
        var pixels = PngBytes.RandomPixels(width, height, samples, seed, maxValue: palette ? 40 : 255);
        return new PngBytes(width, height, colourType, pixels)
        {
            Filter = filter == 5 ? y => (byte)((y * 3) % 5) : _ => (byte)filter,
            PaletteEntries = palette ? PngBytes.RandomPixels(41, 1, 3, seed + 1) : null,
            Transparency = kind == "palette-trns" ? PngBytes.RandomPixels(30, 1, 1, seed + 2) : null, // entries past 30 stay opaque
        };
    }

    private byte[] Unsupported(string kind)
    {
        var rgb = Build("rgb", 37, 11, filter: 5, seed: 9);
        return kind switch
        {
            "16-bit" => File.ReadAllBytes(fixture.Make("photo-16bit-decoder.png", path => Cli.Vips("colourspace", fixture.SmallPhotoJpeg, path, "rgb16"))),
            "interlaced" => File.ReadAllBytes(fixture.Make("photo-interlaced.png", path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path + "[interlace]"))),
            "1-bit grey" => File.ReadAllBytes(fixture.Make("photo-1bit.png", path =>
            {
                var grey = path + ".v";
                Cli.Vips("colourspace", fixture.SmallPhotoJpeg, grey, "b-w");
                Cli.Vips("copy", grey, path + "[bitdepth=1]");
            })),
            "4-bit palette" => File.ReadAllBytes(fixture.Make("photo-4bit-palette.png", path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path + "[palette,bitdepth=4]"))),
            "apng" => (rgb with { ChunksBeforeImage = [("acTL", [0, 0, 0, 1, 0, 0, 0, 0])] }).ToArray(),
            "trns on rgb" => (rgb with { Transparency = [0, 1, 0, 2, 0, 3] }).ToArray(),
            "trns on grey" => (Build("grey", 37, 11, filter: 5, seed: 10) with { Transparency = [0, 7] }).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>What libvips' pngload makes of the file: <c>vips rawsave</c>, every band, no header.</summary>
    private byte[] LibvipsPixels(byte[] png)
    {
        var file = fixture.Save(png, "reference.png");
        var raw = Path.ChangeExtension(file, ".raw");
        Cli.Vips("rawsave", file, raw);
        return File.ReadAllBytes(raw);
    }

    /// <summary>What <c>vips shrink in out 2 2</c> makes of the file, as raw pixels.</summary>
    private byte[] LibvipsShrunkPixels(byte[] png)
    {
        var file = fixture.Save(png, "reference.png");
        var raw = Path.ChangeExtension(file, ".raw");
        Cli.Vips("shrink", file, raw, "2", "2");
        return File.ReadAllBytes(raw);
    }
}
