using System.Buffers.Binary;
using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Infrastructure.IntegrationTests.Imaging.Support;
using AbParts.Tests.Support;
using FluentAssertions;

namespace AbParts.Infrastructure.IntegrationTests.Imaging;

/// <summary>
/// The sRGB profile recognised by content: it is the one the wallpapers embed, transforming it to sRGB
/// changes no colour visibly (checked by libvips over every 8-bit colour), and only that exact profile
/// skips the transform.
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
        IccProfiles.IsSrgb(File.ReadAllBytes("/usr/share/color/icc/ghostscript/a98.icc")).Should().BeFalse();
        IccProfiles.IsSrgb(File.ReadAllBytes("/usr/share/color/icc/ghostscript/srgb.icc")).Should().BeFalse("recognised by content, not by name");
    }

    [Fact]
    public void TransformingTheRecognisedProfileToSrgbMovesNoColourByMoreThanOneLevel()
    {
        // every 8-bit colour once: 4096x4096, red = x mod 256, green = y mod 256, blue from the 16x16 tile
        var everyColour = fixture.Make("every-colour.ppm", path =>
        {
            using var file = File.Create(path);
            file.Write("P6\n4096 4096\n255\n"u8);
            var row = new byte[4096 * 3];
            for (var y = 0; y < 4096; y++)
            {
                for (var x = 0; x < 4096; x++)
                {
                    row[3 * x] = (byte)x;
                    row[(3 * x) + 1] = (byte)y;
                    row[(3 * x) + 2] = (byte)(((y / 256) * 16) + (x / 256));
                }

                file.Write(row);
            }
        });
        var transformed = fixture.Make("every-colour-through-hp-srgb.v",
            path => Cli.Vips("icc_transform", everyColour, path, "srgb", "--input-profile", HewlettPackardSrgb));
        var difference = fixture.Make("every-colour-difference.v", path =>
        {
            var signed = Path.Combine(fixture.WorkDirectory, "every-colour-signed-difference.v");
            Cli.Vips("subtract", transformed, everyColour, signed);
            Cli.Vips("abs", signed, path);
        });

        double.Parse(Cli.Vips("max", difference), System.Globalization.CultureInfo.InvariantCulture).Should().BeLessThanOrEqualTo(1);
        double.Parse(Cli.Vips("avg", difference), System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(0, "the transform is not a no-op, so skipping it is a choice");
    }

    [Fact]
    public async Task APhotoEmbeddingTheRecognisedProfileIsNotConvertedAndIsStoredAsWithoutIt()
    {
        var tagged = fixture.Make("photo-hp-srgb.jpg",
            path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path + $"[Q=95,profile={HewlettPackardSrgb}]"));
        var untagged = fixture.Make("photo-untagged.jpg",
            path => Cli.Vips("copy", fixture.SmallPhotoJpeg, path + "[Q=95,strip]")); // the same pixels, encoded the same way
        Cli.AllHeaders(tagged).Should().Contain("icc-profile-data");
        Cli.AllHeaders(untagged).Should().NotContain("icc-profile-data");

        var logged = fixture.Logs.Entries.Count;
        var withProfile = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(tagged), new ImageOptions(), CancellationToken.None);
        var withoutProfile = await fixture.Processor.ProcessAsync(await File.ReadAllBytesAsync(untagged), new ImageOptions(), CancellationToken.None);

        var summaries = fixture.Logs.Entries.Skip(logged).Select(entry => entry.Message)
            .Where(message => message.StartsWith("Processed a", StringComparison.Ordinal)).ToList();
        summaries.Should().HaveCount(2);
        summaries[0].Should().Contain("(sRGB profile recognised, not converted)");
        summaries[1].Should().Contain("(no ICC profile)");
        withProfile.Image.Bytes.Should().Equal(withoutProfile.Image.Bytes, "the stored image does not depend on the profile");
    }

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
