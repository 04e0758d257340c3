using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AbParts.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AbParts.WebApi.FunctionalTests.Browser;

/// <summary>
/// A part's gallery in Chromium: several images added through the form, then reordered by the buttons and by drag and
/// drop. An image's place is told by its version (<c>v</c>, the first 16 hex digits of its SHA-256), which its signed
/// URL in the page carries and the API's ETag at each index gives.
/// </summary>
[Collection(ConsoleTestGroup.Name)]
public sealed partial class PartGalleryTests(ApiFixture api, Chromium chromium)
{
    [Fact]
    public async Task ImagesAddedThroughTheFormAreReorderedByButtonsAndByDragInThePageAndInTheApi()
    {
        await using var console = await chromium.SignedInAsync(api, "part-gallery", "super_admin");
        using var client = api.WithToken(console.Account.Token);
        var (partId, partName) = await PartAsync(client);
        await console.GoToAsync("Parts", "Parts");
        await PartEntry(console, partName).ClickAsync();

        await console.Labelled("Part images").SetInputFilesAsync(
        [
            new FilePayload { Name = "path.jpg", MimeType = "image/jpeg", Buffer = SampleImages.MediumJpeg },
            new FilePayload { Name = "altai.png", MimeType = "image/png", Buffer = SampleImages.PortraitPng },
            new FilePayload { Name = "autumn.jpg", MimeType = "image/jpeg", Buffer = SampleFiles.SmallJpeg },
        ]);
        await console.Button("Add images").ClickAsync();
        var gallery = console.Page.GetByRole(AriaRole.List, new() { Name = "Gallery", Exact = true });
        await Expect(gallery.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3);
        var added = await PageOrderAsync(console);
        var apiAdded = await ApiOrderAsync(client, partId);

        await console.Button("Move image 3 earlier").ClickAsync();
        await Expect(console.Image("Image 2")).ToHaveAttributeAsync("src", VersionPattern(added[2]));
        var afterButton = await PageOrderAsync(console);
        var apiAfterButton = await ApiOrderAsync(client, partId);

        await gallery.GetByRole(AriaRole.Listitem).Nth(0).DragToAsync(gallery.GetByRole(AriaRole.Listitem).Nth(2));
        await Expect(console.Image("Image 3")).ToHaveAttributeAsync("src", VersionPattern(added[0]));
        var afterDrag = await PageOrderAsync(console);
        var apiAfterDrag = await ApiOrderAsync(client, partId);

        added.Should().HaveCount(3).And.OnlyHaveUniqueItems();
        apiAdded.Should().Equal(added, "the API serves the order the page shows");
        afterButton.Should().Equal(added[0], added[2], added[1]);
        apiAfterButton.Should().Equal(afterButton, "the API serves the order the page shows");
        afterDrag.Should().Equal(added[2], added[1], added[0]);
        apiAfterDrag.Should().Equal(afterDrag, "the API serves the order the page shows");
        await Expect(console.Link("Open image 1")).ToHaveAttributeAsync("href", VersionPattern(added[2]));
        for (var n = 1; n <= 3; n++)
        {
            (await ConsoleSession.DecodedWidthAsync(console.Image($"Image {n}"))).Should().BePositive($"image {n} decoded");
        }

        await console.ScreenshotAsync();
    }

    /// <summary>A part created through the API, and the name the console lists it by.</summary>
    internal static async Task<(Guid Id, string Entry)> PartAsync(HttpClient superAdmin)
    {
        var number = $"P-{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        var part = await superAdmin.PostAsJsonAsync("/parts", new { part_number = number, name = "Hydraulic pump" }).ReadJsonAsync();
        return (part.GetProperty("id").GetGuid(), $"{number} — Hydraulic pump");
    }

    /// <summary>The part's entry in the list: a button or a link named "PARTNUMBER — NAME".</summary>
    internal static ILocator PartEntry(ConsoleSession console, string entry) =>
        console.Button(entry).Or(console.Link(entry));

    /// <summary>The version of each image the gallery shows, from the first.</summary>
    private static async Task<List<string>> PageOrderAsync(ConsoleSession console)
    {
        var images = console.Page.GetByRole(AriaRole.List, new() { Name = "Gallery", Exact = true }).GetByRole(AriaRole.Listitem);
        var versions = new List<string>();
        for (var n = 1; n <= await images.CountAsync(); n++)
        {
            var src = await console.Image($"Image {n}").GetAttributeAsync("src");
            versions.Add(Version().Match(src ?? "").Groups[1].Value);
        }

        return versions;
    }

    /// <summary>The version of the image the API serves at each index: the start of its ETag, the SHA-256 of its bytes.</summary>
    private static async Task<List<string>> ApiOrderAsync(HttpClient client, Guid partId)
    {
        var count = (await client.GetAsync($"/images/parts/{partId}/count").ReadJsonAsync()).GetProperty("count").GetInt32();
        var versions = new List<string>();
        for (var index = 0; index < count; index++)
        {
            using var response = await client.GetAsync($"/images/parts/{partId}/{index}");
            response.EnsureSuccessStatusCode();
            versions.Add(response.Headers.ETag!.Tag.Trim('"')[..16]);
        }

        return versions;
    }

    private static Regex VersionPattern(string version) => new($"[?&]v={version}(&|$)");

    [GeneratedRegex("[?&]v=([0-9a-f]{16})")]
    private static partial Regex Version();
}
