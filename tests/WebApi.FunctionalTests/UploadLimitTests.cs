using System.Net;
using AbParts.Tests.Support;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// Upload limits per user (<c>Uploads:PermitsPerMinute</c>, <c>Uploads:ConcurrentPerUser</c>) on an instance that
/// allows three a minute, one at a time: whatever the upload route, above a limit the answer is 429 with
/// <c>Retry-After</c>, and nothing is stored.
/// </summary>
public sealed class UploadLimitTests(UploadLimitedApiFixture api) : IClassFixture<UploadLimitedApiFixture>
{
    private const string Photo = "/uploads/users/profile-photo";
    private const string ChatFiles = "/api/v1/chat/files";

    [Fact]
    public async Task AUsersUploadsBeyondTheMinutesBudgetAre429WhateverTheRouteAndStoreNothing()
    {
        var user = await api.AccountAsync("user");
        using var client = api.WithToken(user.Token);
        await ImagesTests.UploadAsync(client, Photo, SampleImages.MediumJpeg, "a.jpg");
        await ImagesTests.UploadAsync(client, Photo, SampleImages.MediumJpeg, "b.jpg");
        using (var chat = await client.PostAsync(ChatFiles, Form(SampleFiles.Notes, "notes.txt")))
        {
            chat.StatusCode.Should().Be(HttpStatusCode.Created, "the third upload of the minute is allowed");
        }

        var images = await api.StoredImagesAsync();
        var files = await ChatFileCountAsync(user.Id);

        using var photo = await client.PostAsync(Photo, Form(SampleImages.MediumJpeg, "c.jpg"));
        using var chatFile = await client.PostAsync(ChatFiles, Form(SampleFiles.Notes, "more.txt"));

        foreach (var refused in new[] { photo, chatFile })
        {
            var problem = await refused.ShouldBeProblemAsync(429, ProblemTypes.TooManyRequests);
            problem.GetProperty("detail").GetString().Should().Contain($"{UploadLimitedApiFixture.PerMinute} uploads a minute");
            var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
            retryAfter.Should().BeInRange(1, 60, "the rest of the minute");
        }

        (await api.StoredImagesAsync()).Should().Be(images, "a refused upload stores no image");
        (await ChatFileCountAsync(user.Id)).Should().Be(files, "a refused upload stores no chat file");

        var other = await api.AccountAsync("user", user.OrganizationId);
        using var otherClient = api.WithToken(other.Token);
        using var othersUpload = await otherClient.PostAsync(Photo, Form(SampleImages.MediumJpeg, "d.jpg"));
        othersUpload.StatusCode.Should().Be(HttpStatusCode.OK, "each user has a budget of their own");
    }

    [Fact]
    public async Task ASecondUploadWhileTheUsersFirstRunsIs429AndStoresNothingThenTheNextIsAccepted()
    {
        var user = await api.AccountAsync("user");
        using var client = api.WithToken(user.Token);
        using var held = await HeldUpload.StartAsync(api.BaseAddress, user.Token, Photo, Form(SampleImages.MediumJpeg, "held.jpg"));
        var images = await api.StoredImagesAsync();
        var files = await ChatFileCountAsync(user.Id);

        using var second = await client.PostAsync(ChatFiles, Form(SampleFiles.Notes, "notes.txt"));

        var problem = await second.ShouldBeProblemAsync(429, ProblemTypes.TooManyRequests);
        problem.GetProperty("detail").GetString().Should().Contain("1 uploads at once");
        second.Headers.GetValues("Retry-After").Should().Equal("1");
        (await api.StoredImagesAsync()).Should().Be(images);
        (await ChatFileCountAsync(user.Id)).Should().Be(files);

        held.Release();
        using (var finished = await held.Response)
        {
            finished.StatusCode.Should().Be(HttpStatusCode.OK, "the upload that held the place completes");
        }

        using var next = await client.PostAsync(ChatFiles, Form(SampleFiles.Notes, "notes.txt"));
        next.StatusCode.Should().Be(HttpStatusCode.Created, "the place is free again once the first has finished");
    }

    private Task<long> ChatFileCountAsync(Guid owner) =>
        api.Database.ScalarAsync<long>($"SELECT count(*) FROM chat_files WHERE owner_id = '{owner}'");

    private static MultipartFormDataContent Form(byte[] bytes, string name) =>
        new() { { new ByteArrayContent(bytes), "file", name } };
}
