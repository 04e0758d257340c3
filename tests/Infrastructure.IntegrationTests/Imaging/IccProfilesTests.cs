using System.Buffers.Binary;
using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;
using NetVips;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// The sRGB profile recognised by content: it is the one the wallpapers embed, transforming it to sRGB
/// changes no colour visibly (checked by libvips over every 8-bit colour), and only that exact profile
/// skips the transform; another profile goes through it.
/// </summary>
[Collection(ImagingTestGroup.Name)]
public sealed class IccProfilesTests(ImagingFixture fixture)
{
    [Fact]
    public void TheProfileTheWallpapersEmbedIsRecognisedAndNothingElseIs()
    {
        var profile = File.ReadAllBytes(HewlettPackardSrgb);

        IccProfiles.IsSrgb(profile).Should().BeTrue();
        var changed = (byte[])profile.Clone();
        changed[^1] ^= 1;
        IccProfiles.IsSrgb(changed).Should().BeFalse("a single changed byte is another profile");
        IccProfiles.IsSrgb(File.ReadAllBytes(DisplayP3)).Should().BeFalse();
    }

    [Fact]
    public void TransformingTheRecognisedProfileToSrgbMovesNoColourByMoreThanOneLevel()
    {
        // every 8-bit colour once: 4096x4096, red = x mod 256, green = y mod 256, blue from the 16x16 tile
        var pixels = new byte[4096 * 4096 * 3];
        for (var y = 0; y < 4096; y++)
        {
            for (var x = 0; x < 4096; x++)
            {
                var i = ((y * 4096) + x) * 3;
                pixels[i] = (byte)x;
                pixels[i + 1] = (byte)y;
                pixels[i + 2] = (byte)(((y / 256) * 16) + (x / 256));
            }
        }

        using var everyColour = Fixtures.FromPixels(pixels, 4096, 4096, 3);
        using var transformed = everyColour.IccTransform("srgb", inputProfile: HewlettPackardSrgb);
        using var difference = (transformed.Cast(Enums.BandFormat.Int) - everyColour.Cast(Enums.BandFormat.Int)).Abs();

        difference.Max().Should().BeLessThanOrEqualTo(1);
        difference.Avg().Should().BeGreaterThan(0, "the transform is not a no-op, so skipping it is a choice");
    }

    [Fact]
    public async Task APhotoEmbeddingTheRecognisedProfileIsStoredAsWithoutItAndAForeignProfileIsNot()
    {
        using var photo = Image.NewFromFile(fixture.SmallPhotoJpeg);
        var untagged = photo.JpegsaveBuffer(q: 95, keep: Enums.ForeignKeep.None);
        var tagged = photo.JpegsaveBuffer(q: 95, keep: Enums.ForeignKeep.Icc, profile: HewlettPackardSrgb);
        var foreign = photo.JpegsaveBuffer(q: 95, keep: Enums.ForeignKeep.Icc, profile: DisplayP3);
        Fixtures.Fields(tagged).Should().Contain("icc-profile-data");
        Fixtures.Fields(untagged).Should().NotContain("icc-profile-data");
        var processor = fixture.Processor(ImageIsolation.InProcess);

        var withProfile = await processor.ProcessAsync(tagged, new ImageOptions(), CancellationToken.None);
        var withoutProfile = await processor.ProcessAsync(untagged, new ImageOptions(), CancellationToken.None);
        var throughProfile = await processor.ProcessAsync(foreign, new ImageOptions(), CancellationToken.None);

        withProfile.Image.Bytes.Should().Equal(withoutProfile.Image.Bytes, "the sRGB profile is recognised and not applied");
        throughProfile.Image.Bytes.Should().NotEqual(withoutProfile.Image.Bytes, "the same numbers in Display P3 are other colours");
    }

    /// <summary>libvips' own Display P3 profile, written to a file.</summary>
    private string DisplayP3 => fixture.Make("display-p3.icc", path =>
    {
        using var black = Image.Black(8, 8, bands: 3);
        using var p3 = black.IccTransform("p3", inputProfile: "srgb");
        File.WriteAllBytes(path, (byte[])p3.Get("icc-profile-data"));
    });

    /// <summary>The HP/Microsoft "sRGB IEC61966-2.1" profile, taken out of a wallpaper's APP2 segments.</summary>
    private string HewlettPackardSrgb => fixture.Make("hp-srgb.icc", path =>
    {
        var jpeg = File.ReadAllBytes(Wallpapers.PathJpeg);
        using var profile = new MemoryStream();
        var at = 2;
        while (jpeg[at + 1] != 0xDA)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
            var body = jpeg.AsSpan(at + 4, length - 2);
            if (jpeg[at + 1] == 0xE2 && body.StartsWith("ICC_PROFILE\0"u8))
            {
                profile.Write(body[14..]); // after the signature, the chunk's number and the chunk count
            }

            at += 2 + length;
        }

        File.WriteAllBytes(path, profile.ToArray());
    });
}
