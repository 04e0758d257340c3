using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AbParts.WebApi.FunctionalTests.Browser;

/// <summary>Support videos in Chromium: an upload through the form with its progress bar, then playback that seeks by ranges.</summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class SupportVideoTests(ApiFixture api, Chromium chromium)
{
    [Fact]
    public async Task AVideoUploadedThroughTheFormPlaysAndSeeksWithRangeRequests()
    {
        var title = $"Filter change {Guid.NewGuid():N}"[..24];
        await using var console = await chromium.SignedInAsync(api, "support-video", "super_admin");
        await console.GoToAsync("Videos", "Support videos");
        var streamed = new ConcurrentQueue<IResponse>();
        console.Page.Response += (_, response) =>
        {
            if (response.Url.Contains("/videos/stream/", StringComparison.Ordinal))
            {
                streamed.Enqueue(response);
            }
        };

        await console.Labelled("Video file").SetInputFilesAsync(
            new FilePayload { Name = "filter.mp4", MimeType = "video/mp4", Buffer = SampleVideos.Mp4 });
        await console.Labelled("Title").FillAsync(title);
        await console.Labelled("Category").SelectOptionAsync("maintenance");
        await console.Labelled("Description").FillAsync("Unscrew the housing and swap the cartridge.");
        await console.Button("Upload video").ClickAsync();
        await Expect(console.Page.GetByRole(AriaRole.Progressbar, new() { Name = "Upload progress", Exact = true }))
            .ToHaveJSPropertyAsync("value", 100);
        var article = console.Page.GetByRole(AriaRole.Article).Filter(new()
        {
            Has = console.Page.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true, Level = 2 }),
        });
        var player = article.GetByLabel(title, new() { Exact = true });
        var handle = await player.ElementHandleAsync();
        await console.Page.WaitForFunctionAsync("video => video.readyState >= 1 && video.duration > 1", handle);

        await player.EvaluateAsync("video => { video.currentTime = video.duration / 2; }");
        await console.Page.WaitForFunctionAsync("video => !video.seeking && video.currentTime > 0.5 && video.readyState >= 2", handle);

        var stream = new Uri(api.BaseAddress, await player.GetAttributeAsync("src")).AbsolutePath;
        stream.Should().MatchRegex("^/videos/stream/[0-9a-f-]{36}$");
        var ranges = streamed.Where(r => new Uri(r.Url).AbsolutePath == stream && r.Status == 206).ToList();
        ranges.Should().NotBeEmpty("the player asks for byte ranges and gets 206 Partial Content");
        (await ranges[0].HeaderValueAsync("content-range")).Should().MatchRegex(@"^bytes \d+-\d+/\d+$");
        await Expect(article).ToContainTextAsync("Duration 0:02");
        await Expect(player).ToHaveAttributeAsync("poster", new Regex(@"/videos/[0-9a-f-]{36}/thumbnail\?"));
        var poster = await console.Page.APIRequest.GetAsync(new Uri(api.BaseAddress, await player.GetAttributeAsync("poster")).ToString());
        poster.Status.Should().Be(200);
        poster.Headers["content-type"].Should().Be("image/webp");
        (await api.Database.ScalarAsync<long>($"SELECT count(*) FROM videos WHERE title = '{title}' AND category = 'maintenance'"))
            .Should().Be(1);
        await console.ScreenshotAsync();
    }
}
