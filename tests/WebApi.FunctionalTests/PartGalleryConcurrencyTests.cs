using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AbParts.Tests.Support;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// Gallery changes racing on one part (ADR 0010): they run one after the other, so every add that fits
/// succeeds, the later ones get the usual 400 once the gallery is full, and positions stay 0..n-1.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class PartGalleryConcurrencyTests(ApiFixture api)
{
    /// <summary>Images:MaxImagesPerPart in the service's appsettings.json.</summary>
    private const int MaxImages = 10;

    [Fact]
    public async Task SimultaneousAddsToOnePartAllSucceedUntilTheGalleryIsFullAndKeepPositionsContiguous()
    {
        using var admin = await api.SuperAdminAsync();
        var partId = await CreatePartAsync(admin);

        var answers = await Task.WhenAll(Enumerable.Range(0, MaxImages + 2).Select(_ => AddAsync(admin, partId)));

        var added = answers.Where(a => a.Status == HttpStatusCode.OK).ToList();
        added.Should().HaveCount(MaxImages, "every add that fits succeeds, whatever it raced with");
        added.Select(a => a.Index).Should().BeEquivalentTo(Enumerable.Range(0, MaxImages), "each add got its own index");
        answers.Where(a => a.Status != HttpStatusCode.OK).Should()
            .HaveCount(2).And.OnlyContain(a => a.Status == HttpStatusCode.BadRequest && a.Type == ProblemTypes.Validation,
                "the later adds find the gallery full and get the usual refusal");
        await GalleryShouldBeConsistentAsync(admin, partId, MaxImages);
    }

    [Fact]
    public async Task SimultaneousAddsRemovalsAndReordersOfOnePartLoseNothing()
    {
        using var admin = await api.SuperAdminAsync();
        var partId = await CreatePartAsync(admin);
        for (var i = 0; i < 4; i++)
        {
            (await AddAsync(admin, partId)).Status.Should().Be(HttpStatusCode.OK);
        }

        var adds = Enumerable.Range(0, 4).Select(_ => AddAsync(admin, partId)).ToList();
        var removals = Enumerable.Range(0, 2).Select(_ => RemoveFirstAsync(admin, partId)).ToList();
        var reorders = Enumerable.Range(0, 2).Select(_ => ReverseFirstTwoAsync(admin, partId)).ToList();
        await Task.WhenAll([.. adds, .. removals, .. reorders]);

        adds.Select(a => a.Result.Status).Should().OnlyContain(s => s == HttpStatusCode.OK, "4 + 4 - 2 images fit");
        removals.Select(r => r.Result).Should().OnlyContain(s => s == HttpStatusCode.NoContent);
        reorders.Select(r => r.Result).Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.BadRequest,
            "a reorder names the indexes its client saw, so it is refused (400) if the count changed first");
        await GalleryShouldBeConsistentAsync(admin, partId, 4 + 4 - 2);
    }

    /// <summary>The count, every index served, unique contiguous positions, and nothing left behind by anyone.</summary>
    private async Task GalleryShouldBeConsistentAsync(HttpClient client, Guid partId, int expected)
    {
        var count = (await client.GetAsync($"/images/parts/{partId}/count").ReadJsonAsync()).GetProperty("count").GetInt32();
        var served = new List<HttpStatusCode>();
        for (var index = 0; index < count; index++)
        {
            using var image = await client.GetAsync($"/images/parts/{partId}/{index}");
            served.Add(image.StatusCode);
        }

        using var beyond = await client.GetAsync($"/images/parts/{partId}/{count}");
        var positions = await api.Database.RowsAsync(
            $"SELECT position FROM part_images WHERE part_id = '{partId}' ORDER BY position");

        count.Should().Be(expected);
        served.Should().HaveCount(expected).And.OnlyContain(s => s == HttpStatusCode.OK);
        beyond.StatusCode.Should().Be(HttpStatusCode.NotFound);
        positions.Should().Equal(Enumerable.Range(0, expected).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await api.ImagesShouldHaveNoOrphansAsync("refused adds included");
    }

    private static async Task<Guid> CreatePartAsync(HttpClient client)
    {
        using var body = new StringContent($$"""{"part_number":"RACE-{{Guid.NewGuid():N}}","name":"Pump"}""",
            System.Text.Encoding.UTF8, "application/json");
        return (await client.PostAsync("/parts", body).ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    /// <summary>Adds one photograph; the answer's status, and its index or problem type.</summary>
    private static async Task<(HttpStatusCode Status, int? Index, string? Type)> AddAsync(HttpClient client, Guid partId)
    {
        using var file = new ByteArrayContent(SampleImages.MediumJpeg);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var form = new MultipartFormDataContent { { file, "file", "photo.jpg" } };
        using var response = await client.PostAsync($"/uploads/parts/{partId}/images", form);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.StatusCode == HttpStatusCode.OK
            ? (response.StatusCode, body.GetProperty("images")[0].GetProperty("index").GetInt32(), null)
            : (response.StatusCode, null, body.GetProperty("type").GetString());
    }

    private static async Task<HttpStatusCode> RemoveFirstAsync(HttpClient client, Guid partId)
    {
        using var response = await client.DeleteAsync($"/uploads/parts/{partId}/images/0");
        return response.StatusCode;
    }

    /// <summary>Swaps the first two of the four images the client last saw.</summary>
    private static async Task<HttpStatusCode> ReverseFirstTwoAsync(HttpClient client, Guid partId)
    {
        using var body = new StringContent("""{"order":[1,0,2,3]}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PutAsync($"/uploads/parts/{partId}/images/order", body);
        return response.StatusCode;
    }
}
