using System.Net;
using System.Net.Http.Json;
using AbParts.Application.Common.Abstractions;
using AbParts.Infrastructure.Imaging;
using AbParts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>The service with one image worker, so that a few uploads of large photographs queue for it.</summary>
public sealed class OneImageWorkerApiFixture : ApiFixture
{
    protected override IEnumerable<string> ExtraArguments => ["--Images:Workers=1"];
}

/// <summary>
/// No transaction or pooled connection is held while an upload's image waits for a worker or is processed
/// (ADR 0016): reads answer at once, and PostgreSQL sees no open transaction of the queued uploads.
/// </summary>
public sealed class TransactionScopeTests(OneImageWorkerApiFixture api) : IClassFixture<OneImageWorkerApiFixture>
{
    private const int Uploads = 6;

    [Fact]
    public async Task WhileImageJobsQueueForAWorkerNoTransactionIsOpenAndReadsAnswer()
    {
        var pool = (WorkerPoolImageProcessor)api.Services.GetRequiredService<IImageProcessor>();
        using var admin = await api.SuperAdminAsync();
        var part = await admin.PostAsJsonAsync("/parts", new { part_number = $"PN-{Guid.NewGuid():N}"[..20], name = "Pump" })
            .ReadJsonAsync();
        var partId = part.GetProperty("id").GetGuid();
        var photo = SampleImages.LargeJpeg; // 5120x2880 progressive: a few hundred ms each in the one worker
        var users = await Task.WhenAll(Enumerable.Range(0, Uploads).Select(_ => api.UserAsync("user")));

        var uploads = users.Select(async u =>
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "photo.jpg" } };
            using var response = await u.Client.PostAsync("/uploads/users/profile-photo", form);
            return response.StatusCode;
        }).ToList();
        var queued = await WaitUntilAsync(() => pool.Waiting >= Uploads / 2);
        var inTransaction = await api.Database.ScalarAsync<long>("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
            """);
        var waitingDuringReads = pool.Waiting;
        using var read = await admin.GetAsync($"/parts/{partId}");
        using var count = await admin.GetAsync($"/images/parts/{partId}/count");
        var statuses = await Task.WhenAll(uploads);

        queued.Should().BeTrue("six large photographs queue for one worker");
        inTransaction.Should().BeLessThanOrEqualTo(1,
            "at most the upload whose image the worker just finished is writing; the {0} waiting for it hold no transaction",
            waitingDuringReads);
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        count.StatusCode.Should().Be(HttpStatusCode.OK);
        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK);
        foreach (var (client, _, _) in users)
        {
            client.Dispose();
        }
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        return condition();
    }
}
