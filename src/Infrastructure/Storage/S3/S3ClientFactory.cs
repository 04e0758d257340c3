using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace AbParts.Infrastructure.Storage.S3;

/// <summary>Builds the S3 client from <see cref="S3StorageOptions"/>; the service and the tests use the same settings.</summary>
public static class S3ClientFactory
{
    private const string CopySourceHeader = "x-amz-copy-source";

    /// <summary>
    /// Checksums only where an operation requires one: AWSSDK.S3 4 otherwise sends every upload as
    /// <c>aws-chunked</c> with a trailing checksum, which s3rver (and some S3-compatible servers) store
    /// verbatim, corrupting the object (ADR 0008).
    /// </summary>
    public static AmazonS3Config CreateConfig(S3StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.AbsoluteUri;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return config;
    }

    /// <param name="configure">Adjusts the configuration before the client is made (tests record the HTTP traffic).</param>
    public static AmazonS3Client Create(S3StorageOptions options, Action<AmazonS3Config>? configure = null)
    {
        var config = CreateConfig(options);
        configure?.Invoke(config);
        var client = options.HasStaticCredentials
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
        client.BeforeRequestEvent += SendCopySourceSlashesAsIs;
        return client;
    }

    /// <summary>
    /// The SDK sends <c>x-amz-copy-source</c> fully URL-encoded (<c>bucket%2Fkey</c>); s3rver decodes it with
    /// JavaScript's <c>decodeURI</c>, which keeps <c>%2F</c>, and then finds no such bucket. AWS S3, MinIO and
    /// R2 accept the slashes unencoded, which is how botocore sends them. The event runs after marshalling
    /// and before signing, so the signature covers the rewritten header.
    /// </summary>
    private static void SendCopySourceSlashesAsIs(object sender, RequestEventArgs e)
    {
        if (e is WebServiceRequestEventArgs { Headers: { } headers }
            && headers.TryGetValue(CopySourceHeader, out var source))
        {
            headers[CopySourceHeader] = source.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }
    }
}
