using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using AbParts.Tests.Support;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// An instance with metrics on, on a port of their own; each worker serves one image before it is replaced, and the
/// stored bytes are counted every second, so each metric moves within a test.
/// </summary>
public sealed class MetricsApiFixture : ApiFixture
{
    public MetricsApiFixture()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        MetricsAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}");
    }

    public Uri MetricsAddress { get; }

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Metrics:Enabled=true",
        $"--Metrics:Url={MetricsAddress}",
        "--Metrics:StoredBytesInterval=00:00:01",
        "--Images:WorkerMaxJobs=1",
    ];

    /// <summary>The Prometheus text the scraper reads now.</summary>
    public async Task<string> ScrapeAsync()
    {
        using var client = new HttpClient { BaseAddress = MetricsAddress };
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }
}

public sealed class MetricsTests(MetricsApiFixture api) : IClassFixture<MetricsApiFixture>
{
    [Fact]
    public async Task MetricsAreServedInPrometheusTextOnTheirOwnPortWithoutAToken()
    {
        using var client = new HttpClient { BaseAddress = api.MetricsAddress };

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        (await response.Content.ReadAsStringAsync()).Should().Contain("# TYPE ");
    }

    [Fact]
    public async Task TheApiIsNotOnTheMetricsPortNorTheMetricsOnTheApiPort()
    {
        using var metricsPort = new HttpClient { BaseAddress = api.MetricsAddress };
        using var apiPort = await api.SuperAdminAsync();

        using var health = await metricsPort.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var metrics = await apiPort.GetAsync(new Uri("/metrics", UriKind.Relative));

        health.StatusCode.Should().Be(HttpStatusCode.NotFound);
        metrics.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RequestsImageJobsWorkerRestartsStoredBytesAndThePoolAreMeasured()
    {
        var (client, _, _) = await api.UserAsync("user");
        using (client)
        {
            using var photo = await UploadAsync(client, SampleImages.MediumJpeg, "photo.jpg");
            using var broken = await UploadAsync(client, SampleImages.TruncatedJpeg, "broken.jpg");
            photo.StatusCode.Should().Be(HttpStatusCode.OK);
            broken.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        }

        var text = await ScrapeUntilAsync("abparts_media_stored_bytes");

        text.Should().Contain("http_server_request_duration_seconds_bucket")
            .And.Contain("http_server_request_duration_seconds_count");
        text.Should().Contain("abparts_image_jobs_queued").And.Contain("abparts_image_jobs_running");
        text.Should().MatchRegex("""abparts_image_job_duration_seconds_count\{[^}]*outcome="processed"[^}]*\} [1-9]""");
        text.Should().MatchRegex("""abparts_image_jobs_failed_total\{[^}]*reason="undecodable"[^}]*\} [1-9]""");
        text.Should().MatchRegex("""abparts_image_worker_restarts_total\{[^}]*reason="max_jobs"[^}]*\} [1-9]""");
        text.Should().MatchRegex("""abparts_media_stored_bytes(_bytes)?\{[^}]*backend="postgres"[^}]*kind="image"[^}]*\} [1-9]""");
        text.Should().Contain("db_client_connection", "Npgsql reports its connection pool");
    }

    /// <summary>Scrapes until <paramref name="metric"/> appears (the stored bytes are counted every second), at most 30 s.</summary>
    private async Task<string> ScrapeUntilAsync(string metric)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var text = await api.ScrapeAsync();
            if (text.Contains(metric, StringComparison.Ordinal) || deadline.IsCancellationRequested)
            {
                return text;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", name);
        return await client.PostAsync(new Uri("/uploads/users/profile-photo", UriKind.Relative), form);
    }
}
