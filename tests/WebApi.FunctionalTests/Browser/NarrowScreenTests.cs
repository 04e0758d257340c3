using AbParts.Tests.Support;

namespace AbParts.WebApi.FunctionalTests.Browser;

/// <summary>The console on a 390 px wide phone: no page reaches sideways past the screen.</summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class NarrowScreenTests(ApiFixture api, Chromium chromium)
{
    private const int PhoneWidth = 390;

    [Fact]
    public async Task PagesFitA390PixelPhoneWithoutSidewaysScrolling()
    {
        await using var console = await chromium.SignedInAsync(api, "phone", "super_admin", PhoneWidth);
        using var client = api.WithToken(console.Account.Token);
        var (partId, entry) = await PartGalleryTests.PartAsync(client);
        await ImagesTests.UploadAsync(client, $"/uploads/parts/{partId}/images", SampleImages.MediumJpeg, "path.jpg");
        await ImagesTests.UploadAsync(client, $"/uploads/parts/{partId}/images", SampleImages.PortraitPng, "altai.png");
        var widths = new Dictionary<string, (int ScrollWidth, string Overflowing)>();

        widths["profile"] = await console.WidthAsync(PhoneWidth);
        await console.ScreenshotAsync("profile");
        await console.GoToAsync("Parts", "Parts");
        await PartGalleryTests.PartEntry(console, entry).ClickAsync();
        await ConsoleSession.DecodedWidthAsync(console.Image("Image 2"));
        widths["parts"] = await console.WidthAsync(PhoneWidth);
        await console.ScreenshotAsync("parts");
        await console.GoToAsync("Videos", "Support videos");
        widths["videos"] = await console.WidthAsync(PhoneWidth);
        await console.ScreenshotAsync("videos");

        widths.Should().AllSatisfy(page => page.Value.ScrollWidth.Should().BeLessThanOrEqualTo(PhoneWidth,
            $"the {page.Key} page fits the phone (overflowing: {page.Value.Overflowing})"));
    }
}
