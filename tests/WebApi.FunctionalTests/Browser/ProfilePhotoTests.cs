using System.Text.RegularExpressions;
using AbParts.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AbParts.WebApi.FunctionalTests.Browser;

/// <summary>The profile photo page in Chromium: the photo goes through the real image pipeline into PostgreSQL and back.</summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class ProfilePhotoTests(ApiFixture api, Chromium chromium)
{
    [Fact]
    public async Task AnUploadedPhotoIsPreviewedThenShownAsItsStoredThumbnail()
    {
        await using var console = await chromium.SignedInAsync(api, "profile-photo", "user");
        var user = console.Account;

        await console.Labelled("Profile photo").SetInputFilesAsync(
            new FilePayload { Name = "path.jpg", MimeType = "image/jpeg", Buffer = SampleImages.MediumJpeg });
        var previewWidth = await ConsoleSession.DecodedWidthAsync(console.Image("Preview"));
        await console.Button("Upload photo").ClickAsync();
        var photo = console.Image("Your profile photo");

        previewWidth.Should().BePositive("the chosen file is previewed before it is sent");
        await Expect(photo).ToHaveAttributeAsync("src", new Regex($@"/images/users/{user.Id}/profile\?.*\bsize=300\b"));
        (await ConsoleSession.DecodedWidthAsync(photo)).Should().Be(300, "the 2560x1600 photograph's 300 px thumbnail arrived and decoded");
        (await api.Database.ScalarAsync<Guid?>($"SELECT profile_photo_image_id FROM users WHERE id = '{user.Id}'"))
            .Should().NotBeNull();
        await Expect(console.Alert).ToBeEmptyAsync();
        await console.ScreenshotAsync();
    }

    [Fact]
    public async Task ATextFileIsRefusedWithTheApisReasonAndChangesNothing()
    {
        await using var console = await chromium.SignedInAsync(api, "profile-photo-refused", "user");
        var user = console.Account;
        var before = await api.StoredImagesAsync();

        await console.Labelled("Profile photo").SetInputFilesAsync(
            new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = SampleImages.Text });
        var response = await console.Page.RunAndWaitForResponseAsync(() => console.Button("Upload photo").ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/uploads/users/profile-photo", StringComparison.Ordinal));
        var detail = await ConsoleSession.ProblemDetailAsync(response);

        response.Status.Should().Be(415);
        detail.Should().NotBeNullOrWhiteSpace();
        await Expect(console.Alert).ToContainTextAsync(detail);
        await Expect(console.Image("Your profile photo")).ToHaveCountAsync(0);
        (await api.StoredImagesAsync()).Should().Be(before, "a refused upload stores nothing");
        (await api.Database.ScalarAsync<Guid?>($"SELECT profile_photo_image_id FROM users WHERE id = '{user.Id}'"))
            .Should().BeNull();
        await console.ScreenshotAsync();
    }
}
