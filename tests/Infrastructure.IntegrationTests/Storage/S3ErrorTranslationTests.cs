using System.Net;
using System.Net.Sockets;
using System.Text;
using AbParts.Application.Common.Exceptions;
using AbParts.Infrastructure.Storage.S3;
using Amazon.S3;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AbParts.Infrastructure.IntegrationTests.Storage;

/// <summary>
/// The S3 media store fails with the application's <see cref="DependencyUnavailableException"/> (503) when its server
/// cannot be reached or answers a 5xx, as the PostgreSQL ports do (ADR 0011); any other refusal stays what it is (a 500).
/// </summary>
public sealed class S3ErrorTranslationTests(S3BucketFixture fixture) : IClassFixture<S3BucketFixture>
{
    private const string Key = "videos/0123456789abcdef0123456789abcdef.mp4";

    public static TheoryData<string> Operations() => ["save", "open", "stat", "delete", "list"];

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task EveryOperationOnAnUnreachableServerIsDependencyUnavailable(string operation)
    {
        // Port 9 (discard) on loopback: nothing listens, so connecting fails at once.
        var store = Store(new Uri("http://127.0.0.1:9"), fixture.Options.AccessKey!);

        var running = () => RunAsync(store, operation);

        var unavailable = (await running.Should().ThrowAsync<DependencyUnavailableException>()).Which;
        unavailable.Message.Should().Be("The video store cannot be reached. Try again shortly.");
        unavailable.RetryAfter.Should().Be(TimeSpan.FromSeconds(5));
        unavailable.GetBaseException().Should().BeOfType<SocketException>("the cause is kept for the log");
    }

    [Fact]
    public async Task AServerErrorAnswerIsDependencyUnavailable()
    {
        await using var server = await SlowDownServer.StartAsync();
        var store = Store(server.Url, fixture.Options.AccessKey!);

        var saving = () => RunAsync(store, "save");

        (await saving.Should().ThrowAsync<DependencyUnavailableException>()).Which.InnerException
            .Should().BeAssignableTo<AmazonS3Exception>().Which.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task ARefusalOfTheServerStaysAsItIs()
    {
        var store = Store(fixture.Options.ServiceUrl!, "NOT-AN-ACCOUNT");

        var saving = () => RunAsync(store, "save");

        (await saving.Should().ThrowAsync<AmazonS3Exception>()).Which.StatusCode.Should().Be(HttpStatusCode.Forbidden,
            "a wrong access key is a fault of configuration, not an outage");
    }

    private S3MediaStore Store(Uri serviceUrl, string accessKey)
    {
        var options = new S3StorageOptions
        {
            ServiceUrl = serviceUrl,
            Bucket = fixture.Options.Bucket,
            Region = fixture.Options.Region,
            AccessKey = accessKey,
            SecretKey = fixture.Options.SecretKey,
            ForcePathStyle = true,
        };
        return new S3MediaStore(S3ClientFactory.Create(options), Options.Create(options), TimeProvider.System,
            NullLogger<S3MediaStore>.Instance);
    }

    private static async Task RunAsync(S3MediaStore store, string operation)
    {
        switch (operation)
        {
            case "save":
                await store.SaveAsync(Key, new MemoryStream([1, 2, 3]), "video/mp4", CancellationToken.None);
                break;
            case "open":
                await store.OpenAsync(Key, null, CancellationToken.None);
                break;
            case "stat":
                await store.StatAsync(Key, CancellationToken.None);
                break;
            case "delete":
                await store.DeleteAsync(Key, CancellationToken.None);
                break;
            default:
                await foreach (var _ in store.ListAsync("videos/", CancellationToken.None))
                {
                }

                break;
        }
    }

    /// <summary>An HTTP server on loopback that answers every request 503 SlowDown, as S3 does when it sheds load.</summary>
    private sealed class SlowDownServer : IAsyncDisposable
    {
        private static readonly byte[] Body = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");

        private readonly HttpListener _listener;
        private readonly Task _serving;

        private SlowDownServer(HttpListener listener, Uri url)
        {
            _listener = listener;
            Url = url;
            _serving = ServeAsync();
        }

        public Uri Url { get; }

        public static Task<SlowDownServer> StartAsync()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add(url.ToString());
            listener.Start();
            return Task.FromResult(new SlowDownServer(listener, url));
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _serving;
            _listener.Close();
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return; // stopped
                }

                context.Response.StatusCode = 503;
                context.Response.ContentType = "application/xml";
                if (context.Request.HttpMethod != "HEAD")
                {
                    await context.Response.OutputStream.WriteAsync(Body);
                }

                context.Response.Close();
            }
        }
    }
}
