using System.Net;
using System.Net.Http.Headers;

namespace AbParts.WebApi.FunctionalTests;

public sealed class S3RedirectTests(S3RedirectApiFixture api) : IClassFixture<S3RedirectApiFixture>
{
    [Fact]
    public async Task StreamingRedirectsToAShortLivedPresignedUrlThatServesTheBytesAndRanges()
    {
        using var admin = await api.SuperAdminAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Clip"), "title" },
            { new StringContent("maintenance"), "category" },
            { new ByteArrayContent(SampleVideos.Mp4) { Headers = { ContentType = new MediaTypeHeaderValue("video/mp4") } }, "file", "clip.mp4" },
        };
        var id = (await admin.PostAsync("/videos/support", form).ReadJsonAsync()).GetProperty("id").GetGuid();
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = api.BaseAddress };
        noRedirects.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;

        using var response = await noRedirects.GetAsync($"/videos/stream/{id}");
        using var bucket = new HttpClient();
        var bytes = await bucket.GetByteArrayAsync(response.Headers.Location);
        using var ranged = new HttpRequestMessage(HttpMethod.Get, response.Headers.Location);
        ranged.Headers.Range = new RangeHeaderValue(10, 19);
        using var part = await bucket.SendAsync(ranged);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.Query.Should().Contain("X-Amz-Signature=").And.Contain("X-Amz-Expires=");
        bytes.Should().Equal(SampleVideos.Mp4);
        part.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await part.Content.ReadAsByteArrayAsync()).Should().Equal(SampleVideos.Mp4[10..20]);
    }
}
