using System.Net.Http.Headers;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>The service killed with SIGKILL in the middle of a video upload: nothing half-made survives it.</summary>
[Collection(ApiTestGroup.Name)]
public sealed class ProcessCrashTests(ApiFixture api)
{
    [Fact]
    public async Task AVideoUploadCutBySigkillLeavesNoRowNorObjectAndTheSweepRemovesItsSpoolFile()
    {
        var token = await api.SignInAsync(ApiFixture.SuperAdminUsername, ApiFixture.SuperAdminPassword);
        var title = $"Killed {Guid.NewGuid():N}";
        var spool = Path.Combine(api.DataDirectory, "uploads");
        var media = Path.Combine(api.DataDirectory, "media");
        var objectsBefore = Files(media);
        string[] spooled;
        await using (var service = await ServiceProcess.StartAsync(api))
        {
            var form = Form(title);
            var length = (int)form.Headers.ContentLength!.Value;
            using var held = await HeldUpload.StartAsync(service.BaseAddress, token, "/videos/support", form, length - 1000);
            spooled = await SpooledAsync(spool);

            await service.KillAsync();
        }

        spooled.Should().NotBeEmpty("the upload was being spooled when the process died");
        await using (var restarted = await ServiceProcess.StartAsync(api))
        {
            (await api.Database.ScalarAsync<long>($"SELECT count(*) FROM videos WHERE title = '{title}'")).Should().Be(0,
                "an upload that was never answered leaves no row");
            Files(media).Should().BeEquivalentTo(objectsBefore, "no object was stored for it, under a live key or any other");
        }

        var sweep = await Tests.Support.ServiceExecutable.RunVerbAsync(
            new Dictionary<string, string>(api.VerbEnvironment()) { ["Storage__Sweep__MinAge"] = "00:00:00" }, "media", "sweep");

        sweep.ExitCode.Should().Be(0, sweep.ToString());
        spooled.Should().OnlyContain(file => !File.Exists(file), "the sweep removes the spooled upload: " + sweep);
    }

    /// <summary>The spool's files once one has bytes in it, polled for at most a minute.</summary>
    private static async Task<string[]> SpooledAsync(string folder)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var files = Files(folder);
            if (files.Any(f => new FileInfo(f).Length > 0) || DateTime.UtcNow > deadline)
            {
                return files;
            }

            await Task.Delay(50);
        }
    }

    private static string[] Files(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [];

    private static MultipartFormDataContent Form(string title)
    {
        // Past ASP.NET Core's 64 KB in memory, so the body is buffered to disk; what follows the clip is never checked.
        var bytes = new byte[2 * 1024 * 1024];
        SampleVideos.Mp4.CopyTo(bytes, 0);
        var video = new ByteArrayContent(bytes);
        video.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        return new MultipartFormDataContent
        {
            { new StringContent(title), "title" },
            { new StringContent("machine_setup"), "category" },
            { video, "file", "killed.mp4" },
        };
    }
}
