using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Web;
using AbParts.Tests.Support;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>SIGTERM on the service's own process: running uploads finish, new ones are refused, nothing acknowledged is lost.</summary>
[Collection(ApiTestGroup.Name)]
public sealed class GracefulShutdownTests(ApiFixture api)
{
    private const string Photo = "/uploads/users/profile-photo";

    [Fact]
    public async Task OnSigtermARunningUploadFinishesANewOneGets503AndTheAcknowledgedImageIsReadAfterARestart()
    {
        var user = await api.AccountAsync("user");
        var other = await api.AccountAsync("user", user.OrganizationId);
        string url;
        await using (var service = await ServiceProcess.StartAsync(api))
        {
            using var held = await HeldUpload.StartAsync(service.BaseAddress, user.Token, Photo, Form("held.jpg"));

            await service.TerminateAsync();
            await service.WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable);
            var stored = await api.StoredImagesAsync();
            using var client = new HttpClient { BaseAddress = service.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new("Bearer", other.Token);
            using var refused = await client.PostAsync(Photo, Form("new.jpg"));

            await refused.ShouldBeProblemAsync(503, ProblemTypes.Unavailable);
            refused.Headers.GetValues("Retry-After").Should().Equal("5");
            (await api.StoredImagesAsync()).Should().Be(stored, "the refused upload stored nothing");

            held.Release();
            using var acknowledged = await held.Response;
            acknowledged.StatusCode.Should().Be(HttpStatusCode.OK, "an upload running at SIGTERM finishes:\n" + service.Output);
            url = (await acknowledged.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("url").GetString()!;
            (await service.WaitForExitAsync()).Should().Be(0, "the service stops cleanly once the upload is done");
        }

        await using var restarted = await ServiceProcess.StartAsync(api);
        using var reader = new HttpClient { BaseAddress = restarted.BaseAddress };
        using var image = await reader.GetAsync(url);

        image.StatusCode.Should().Be(HttpStatusCode.OK, "the acknowledged upload is there after the restart");
        var version = HttpUtility.ParseQueryString(new Uri(restarted.BaseAddress, url).Query)["v"];
        Convert.ToHexStringLower(SHA256.HashData(await image.Content.ReadAsByteArrayAsync())).Should().StartWith(version,
            "the bytes are those the upload acknowledged");
    }

    private static MultipartFormDataContent Form(string name) =>
        new() { { new ByteArrayContent(SampleImages.MediumJpeg), "file", name } };
}
