using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
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

        // Worker restarts and stored bytes are recorded after the uploads answer: scrape until every series has moved.
        string[] moved =
        [
            """http_server_request_duration_seconds_bucket""",
            """http_server_request_duration_seconds_count""",
            """abparts_image_jobs_queued""",
            """abparts_image_jobs_running""",
            """abparts_image_job_duration_seconds_count\{[^}]*outcome="processed"[^}]*\} [1-9]""",
            """abparts_image_jobs_failed_total\{[^}]*reason="undecodable"[^}]*\} [1-9]""",
            """abparts_image_worker_restarts_total\{[^}]*reason="max_jobs"[^}]*\} [1-9]""",
            """abparts_media_stored_bytes(_bytes)?\{[^}]*backend="postgres"[^}]*kind="image"[^}]*\} [1-9]""",
            """db_client_connection""",
        ];
        var text = await ScrapeUntilAsync(text => moved.All(pattern => Regex.IsMatch(text, pattern)));

        foreach (var pattern in moved)
        {
            text.Should().MatchRegex(pattern);
        }
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (the stored bytes are counted every second), at most 30 s.</summary>
    private async Task<string> ScrapeUntilAsync(Func<string, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var text = await api.ScrapeAsync();
            if (done(text) || deadline.IsCancellationRequested)
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
