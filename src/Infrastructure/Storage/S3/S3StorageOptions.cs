using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AbParts.Infrastructure.Storage.S3;

/// <summary>
/// <c>Storage:Videos:S3</c>: the S3-compatible bucket that holds videos and large files when
/// <c>Storage:Videos:Backend</c> is <c>S3</c>. How to point it at AWS S3, MinIO or Cloudflare R2: ADR 0008.
/// </summary>
public sealed class S3StorageOptions
{
    public const string SectionName = "Storage:Videos:S3";

    /// <summary>SigV4 allows presigned URLs of at most seven days.</summary>
    public static readonly TimeSpan MaxPresignedUrlLifetime = TimeSpan.FromDays(7);

    /// <summary>
    /// The endpoint, e.g. <c>http://127.0.0.1:9000</c> (MinIO) or <c>https://&lt;account&gt;.r2.cloudflarestorage.com</c>
    /// (R2). Leave it empty for AWS S3: the endpoint then follows <see cref="Region"/>.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    public string Bucket { get; set; } = string.Empty;

    /// <summary>The signing region: the bucket's region on AWS, <c>us-east-1</c> for MinIO, <c>auto</c> for R2.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>With <see cref="SecretKey"/>; leave both empty to use the SDK's default credentials (environment, profile, instance role).</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary><c>http://host/bucket/key</c> instead of <c>http://bucket.host/key</c>: needed by MinIO and s3rver.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>How long a presigned GET URL handed out for streaming stays valid.</summary>
    public TimeSpan PresignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Whether video streaming answers 302 to a presigned URL instead of proxying the bytes.</summary>
    public bool RedirectToPresigned { get; set; }

    internal bool HasStaticCredentials => !string.IsNullOrEmpty(AccessKey);
}

/// <summary>Fails start-up with every problem of <see cref="S3StorageOptions"/> named.</summary>
internal sealed partial class S3StorageOptionsValidator : IValidateOptions<S3StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, S3StorageOptions options)
    {
        const string section = S3StorageOptions.SectionName;
        var problems = new List<string>();
        if (!BucketName().IsMatch(options.Bucket ?? string.Empty))
        {
            problems.Add($"{section}:Bucket must be an S3 bucket name (3 to 63 lower-case letters, digits, '.' and '-').");
        }

        if (options.ServiceUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            problems.Add($"{section}:ServiceUrl must be an absolute http or https URL.");
        }

        if (string.IsNullOrWhiteSpace(options.Region))
        {
            problems.Add($"{section}:Region must be set (the bucket's AWS region, 'us-east-1' for MinIO, 'auto' for R2).");
        }

        if (string.IsNullOrEmpty(options.AccessKey) != string.IsNullOrEmpty(options.SecretKey))
        {
            problems.Add($"{section}:AccessKey and {section}:SecretKey must be set together (or both left empty for the SDK's default credentials).");
        }

        if (options.PresignedUrlLifetime <= TimeSpan.Zero || options.PresignedUrlLifetime > S3StorageOptions.MaxPresignedUrlLifetime)
        {
            problems.Add($"{section}:PresignedUrlLifetime must be positive and at most 7 days.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();
}
