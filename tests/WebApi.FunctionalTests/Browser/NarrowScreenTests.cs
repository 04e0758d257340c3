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
        var admin = await api.AccountAsync("super_admin");
        using var client = api.WithToken(admin.Token);
        var (partId, entry) = await PartGalleryTests.PartAsync(client);
        await ImagesTests.UploadAsync(client, $"/uploads/parts/{partId}/images", SampleImages.MediumJpeg, "path.jpg");
        await ImagesTests.UploadAsync(client, $"/uploads/parts/{partId}/images", SampleImages.PortraitPng, "altai.png");
        await using var console = await chromium.OpenAsync(api, "phone", PhoneWidth);
        var widths = new Dictionary<string, int>();

        await console.SignInAsync(admin);
        widths["profile"] = await console.ScrollWidthAsync();
        await console.ScreenshotAsync("profile");
        await console.GoToAsync("Parts", "Parts");
        await PartGalleryTests.PartEntry(console, entry).ClickAsync();
        await ConsoleSession.DecodedWidthAsync(console.Image("Image 2"));
        widths["parts"] = await console.ScrollWidthAsync();
        await console.ScreenshotAsync("parts");
        await console.GoToAsync("Videos", "Support videos");
        widths["videos"] = await console.ScrollWidthAsync();
        await console.ScreenshotAsync("videos");

        widths.Should().AllSatisfy(page => page.Value.Should().BeLessThanOrEqualTo(PhoneWidth, $"the {page.Key} page fits the phone"));
    }
}
