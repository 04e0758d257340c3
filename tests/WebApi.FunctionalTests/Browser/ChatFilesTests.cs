using AbParts.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AbParts.WebApi.FunctionalTests.Browser;

/// <summary>Chat files in Chromium: several uploaded at once, an image file's thumbnail, and a download of the very bytes sent.</summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class ChatFilesTests(ApiFixture api, Chromium chromium)
{
    [Fact]
    public async Task UploadedFilesShowAThumbnailAndDownloadAsTheBytesSent()
    {
        await using var console = await chromium.SignedInAsync(api, "chat-files", "user");
        await console.GoToAsync("Chat files", "Chat files");

        await console.Labelled("Chat files").SetInputFilesAsync(
        [
            new FilePayload { Name = "Brecher vorne.jpg", MimeType = "image/jpeg", Buffer = SampleFiles.SmallJpeg },
            new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = SampleFiles.Notes },
        ]);
        await console.Button("Upload files").ClickAsync();
        var thumbnailWidth = await ConsoleSession.DecodedWidthAsync(console.Image("Thumbnail of Brecher vorne.jpg"));
        var photo = await DownloadAsync(console, "Brecher vorne.jpg");
        var notes = await DownloadAsync(console, "notes.txt");

        thumbnailWidth.Should().BePositive("the image file's thumbnail arrived and decoded");
        await Expect(console.Image("Thumbnail of notes.txt")).ToHaveCountAsync(0);
        photo.Name.Should().Be("Brecher vorne.jpg");
        photo.Bytes.Should().Equal(SampleFiles.SmallJpeg, "a chat file is kept exactly as sent");
        notes.Name.Should().Be("notes.txt");
        notes.Bytes.Should().Equal(SampleFiles.Notes);
        await console.ScreenshotAsync();
    }

    /// <summary>Clicks "Download NAME" and returns the file the browser saved, with the name it suggested.</summary>
    private static async Task<(string Name, byte[] Bytes)> DownloadAsync(ConsoleSession console, string name)
    {
        var download = await console.Page.RunAndWaitForDownloadAsync(() => console.Link($"Download {name}").ClickAsync());
        var path = await download.PathAsync();
        return (download.SuggestedFilename, await File.ReadAllBytesAsync(path));
    }
}
