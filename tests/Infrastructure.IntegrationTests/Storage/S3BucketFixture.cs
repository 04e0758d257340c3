using System.Collections.Concurrent;
using System.Net;
using AbParts.Infrastructure.Storage.S3;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace AbParts.Infrastructure.IntegrationTests.Storage;

/// <summary>
/// A bucket of its own, per test class, on the s3rver that ./build/test.sh starts; emptied and removed
/// afterwards. The client is built by <see cref="S3ClientFactory"/>, as the service builds it, and
/// records every request it sends (<see cref="Calls"/>).
/// </summary>
public sealed class S3BucketFixture : IAsyncLifetime
{
    public const string UrlVariable = "ABPARTS_TEST_S3_URL";
    public const string AccessKeyVariable = "ABPARTS_TEST_S3_ACCESS_KEY";
    public const string SecretKeyVariable = "ABPARTS_TEST_S3_SECRET_KEY";

    private AmazonS3Client? _client;

    public S3StorageOptions Options { get; } = new()
    {
        Bucket = $"abparts-test-{Guid.NewGuid():N}",
        Region = "us-east-1",
        ForcePathStyle = true,
    };

    public IAmazonS3 Client => _client ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Every request the client sent, in order.</summary>
    public ConcurrentQueue<S3Call> Calls { get; } = new();

    public S3MediaStore CreateStore() => new(Client, Microsoft.Extensions.Options.Options.Create(Options),
        TimeProvider.System, NullLogger<S3MediaStore>.Instance);

    public async Task InitializeAsync()
    {
        Options.ServiceUrl = new Uri(Required(UrlVariable));
        Options.AccessKey = Required(AccessKeyVariable);
        Options.SecretKey = Required(SecretKeyVariable);
        _client = S3ClientFactory.Create(Options, config => config.HttpClientFactory = new RecordingHttpClientFactory(Calls));
        await _client.PutBucketAsync(new PutBucketRequest { BucketName = Options.Bucket });
    }

    public async Task DisposeAsync()
    {
        if (_client is null)
        {
            return;
        }

        using (_client)
        {
            var request = new ListObjectsV2Request { BucketName = Options.Bucket };
            do
            {
                var page = await _client.ListObjectsV2Async(request);
                foreach (var listed in page.S3Objects ?? [])
                {
                    await _client.DeleteObjectAsync(Options.Bucket, listed.Key);
                }

                request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (request.ContinuationToken is not null);

            await _client.DeleteBucketAsync(Options.Bucket);
        }
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. The S3 media store tests need an S3-compatible server: run ./build/test.sh, " +
                $"which starts s3rver and sets {UrlVariable}, {AccessKeyVariable} and {SecretKeyVariable}.");

    /// <summary>The SDK's HTTP clients, with every request recorded.</summary>
    private sealed class RecordingHttpClientFactory(ConcurrentQueue<S3Call> calls) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new RecordingHandler(calls) { InnerHandler = new SocketsHttpHandler() });
    }

    private sealed class RecordingHandler(ConcurrentQueue<S3Call> calls) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            HttpStatusCode? status = null;
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                status = response.StatusCode;
                return response;
            }
            finally
            {
                calls.Enqueue(new S3Call(request.Method, request.RequestUri!, status));
            }
        }
    }
}

/// <summary>One request sent to the S3 server; <paramref name="Status"/> is null when it got no answer.</summary>
public sealed record S3Call(HttpMethod Method, Uri Uri, HttpStatusCode? Status);
