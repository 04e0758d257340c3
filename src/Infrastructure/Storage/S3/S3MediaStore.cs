using System.Buffers;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ByteRange = AbParts.Application.Common.Abstractions.ByteRange;
using S3ByteRange = Amazon.S3.Model.ByteRange;

namespace AbParts.Infrastructure.Storage.S3;

/// <summary>
/// Media kept in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2; s3rver in the tests). Uploads
/// stream: an object of less than <see cref="PartBytes"/> goes up in one PutObject, a larger one through
/// an explicit multipart upload of <see cref="PartBytes"/> parts, one pooled buffer at a time, aborted on
/// any failure. The SHA-256 is computed while streaming and kept, with the content type, in the object's
/// metadata (<c>x-amz-meta-sha256</c>), so <see cref="StatAsync"/> needs one HEAD. Decisions: ADR 0008; why not
/// TransferUtility: ADR 0029.
/// </summary>
public sealed partial class S3MediaStore(IAmazonS3 s3, IOptions<S3StorageOptions> options, TimeProvider time,
    ILogger<S3MediaStore> logger) : IMediaStore, IDirectReadStore
{
    /// <summary>The size of a multipart part, and the largest object sent in a single PutObject (exclusive).</summary>
    public const int PartBytes = 8 * 1024 * 1024;

    /// <summary>
    /// CopyObject's limit: after a multipart upload the object is copied onto itself to record its
    /// SHA-256 (metadata is fixed when the upload starts, before the hash is known).
    /// </summary>
    public const long MaxObjectBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>The user metadata holding the SHA-256 (sent as <c>x-amz-meta-sha256</c>).</summary>
    public const string Sha256MetadataKey = "sha256";

    private readonly S3StorageOptions _options = options.Value;

    public StorageBackend Backend => StorageBackend.S3;

    public string Bucket => _options.Bucket;

    public Task<StoredMedia> SaveAsync(string key, Stream content, string contentType,
        CancellationToken cancellationToken)
    {
        EnsureKey(key);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        return S3Errors.TranslateAsync(() => PutAsync(key, content, contentType, cancellationToken));
    }

    public Task<MediaContent?> OpenAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        EnsureKey(key);
        return S3Errors.TranslateAsync(() => GetAsync(key, range, cancellationToken));
    }

    public Task<StoredMedia?> StatAsync(string key, CancellationToken cancellationToken)
    {
        EnsureKey(key);
        return S3Errors.TranslateAsync(() => HeadAsync(key, cancellationToken));
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        EnsureKey(key);
        return S3Errors.TranslateAsync(() => RemoveAsync(key, cancellationToken));
    }

    /// <summary>In key order (S3 lists by UTF-8 bytes, which is ordinal for valid keys); one HEAD per object for its hash and type.</summary>
    public async IAsyncEnumerable<StoredMedia> ListAsync(string prefix,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        do
        {
            var page = await S3Errors.TranslateAsync(() => s3.ListObjectsV2Async(request, cancellationToken));
            foreach (var listed in page.S3Objects ?? [])
            {
                // Gone since it was listed: skip it, as a later listing would.
                if (await S3Errors.TranslateAsync(() => HeadAsync(listed.Key, cancellationToken)) is { } media)
                {
                    yield return media;
                }
            }

            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    /// <summary>With <c>RedirectToPresigned</c>, a presigned GET valid for <c>PresignedUrlLifetime</c>; otherwise null.</summary>
    public Uri? DirectReadUrl(string key) =>
        _options.RedirectToPresigned ? GetPresignedReadUrl(key, _options.PresignedUrlLifetime) : null;

    /// <summary>
    /// A URL that GETs <paramref name="key"/> without credentials until <paramref name="lifetime"/> has
    /// passed (SigV4 query signing, done locally: it neither checks that the key exists nor calls S3).
    /// </summary>
    public Uri GetPresignedReadUrl(string key, TimeSpan lifetime)
    {
        EnsureKey(key);
        if (lifetime <= TimeSpan.Zero || lifetime > S3StorageOptions.MaxPresignedUrlLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime,
                "A presigned URL lives more than zero seconds and at most 7 days.");
        }

        var url = s3.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = time.GetUtcNow().UtcDateTime.Add(lifetime),
            Protocol = _options.ServiceUrl?.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
        });
        return new Uri(url);
    }

    private async Task<StoredMedia> PutAsync(string key, Stream content, string contentType,
        CancellationToken cancellationToken)
    {
        // A key is written once. The conditional writes below (If-None-Match: *) close the race on
        // servers that support them; this check gives the same answer on those that do not.
        if (await HeadAsync(key, cancellationToken) is not null)
        {
            throw AlreadyExists(key, null);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(PartBytes);
        try
        {
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var read = await FillAsync(content, buffer, sha256, cancellationToken);
            return read < PartBytes
                ? await PutObjectAsync(key, buffer, read, Hex(sha256), contentType, cancellationToken)
                : await PutMultipartAsync(key, content, buffer, sha256, contentType, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<MediaContent?> GetAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        var offset = range?.Offset ?? 0;
        ArgumentOutOfRangeException.ThrowIfNegative(offset, nameof(range));
        if (range?.Length is { } requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(requested, nameof(range));
            if (requested == 0)
            {
                return await EmptyAsync(key, offset, cancellationToken);
            }
        }

        var request = new GetObjectRequest { BucketName = Bucket, Key = key };
        if (range is { } r)
        {
            request.ByteRange = r.Length is { } length
                ? new S3ByteRange(r.Offset, r.Offset + length - 1)
                : new S3ByteRange(string.Create(CultureInfo.InvariantCulture, $"bytes={r.Offset}-"));
        }

        GetObjectResponse response;
        try
        {
            response = await s3.GetObjectAsync(request, cancellationToken);
        }
        catch (AmazonS3Exception e) when (IsMissing(e))
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The range starts at or after the end: nothing to read, as the other stores answer.
            return await EmptyAsync(key, offset, cancellationToken);
        }

        try
        {
            var (start, total) = Position(response, range is not null);
            if (range is { } asked && start != asked.Offset)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"The S3 server answered '{response.ContentRange}' to a request for the bytes from {asked.Offset}."));
            }

            // Some S3-compatible servers answer more than a short range asks (s3rver reads bytes=0-0 as
            // bytes=0-): the content is cut to what was asked, which is what the client was promised.
            var length = range?.Length is { } wanted
                ? Math.Min(wanted, response.Headers.ContentLength)
                : response.Headers.ContentLength;
            var media = ToMedia(key, total, response.Metadata, response.Headers.ContentType, response.LastModified);
            return new MediaContent(new S3ObjectStream(response, length), media, start, length);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<bool> RemoveAsync(string key, CancellationToken cancellationToken)
    {
        // DeleteObject answers 204 whether or not the key existed.
        if (await HeadAsync(key, cancellationToken) is null)
        {
            return false;
        }

        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, cancellationToken);
        return true;
    }

    private async Task<StoredMedia> PutObjectAsync(string key, byte[] buffer, int length, string sha256,
        string contentType, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = Bucket,
            Key = key,
            ContentType = contentType,
            InputStream = new MemoryStream(buffer, 0, length, writable: false),
            UseChunkEncoding = false,
            IfNoneMatch = "*",
        };
        request.Metadata[Sha256MetadataKey] = sha256;
        try
        {
            await s3.PutObjectAsync(request, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw AlreadyExists(key, e);
        }

        return new StoredMedia(key, length, sha256, contentType, time.GetUtcNow());
    }

    /// <param name="buffer">Holds the first part, <see cref="PartBytes"/> long; reused for every further part.</param>
    private async Task<StoredMedia> PutMultipartAsync(string key, Stream content, byte[] buffer,
        IncrementalHash sha256, string contentType, CancellationToken cancellationToken)
    {
        var upload = await s3.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = Bucket, Key = key, ContentType = contentType },
            cancellationToken);
        long size = 0;
        string hash;
        string eTag;
        var completing = false;
        try
        {
            var parts = new List<PartETag>();
            for (var length = PartBytes; length > 0;)
            {
                size += length;
                if (size > MaxObjectBytes)
                {
                    throw new InvalidOperationException(
                        $"The S3 media store keeps objects of at most {MaxObjectBytes} bytes (ADR 0008).");
                }

                var part = await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = parts.Count + 1,
                    PartSize = length,
                    InputStream = new MemoryStream(buffer, 0, length, writable: false),
                    UseChunkEncoding = false,
                }, cancellationToken);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
                length = length < PartBytes ? 0 : await FillAsync(content, buffer, sha256, cancellationToken);
            }

            hash = Hex(sha256);
            completing = true;
            var completed = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = parts,
                IfNoneMatch = "*",
            }, cancellationToken);
            eTag = completed.ETag;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            await AbortAsync(key, upload.UploadId);
            throw AlreadyExists(key, e);
        }
        catch
        {
            await AbortAsync(key, upload.UploadId);
            if (completing)
            {
                // The completion may have gone through before the failure (a cancelled or lost answer).
                await DeleteAfterFailureAsync(key);
            }

            throw;
        }

        try
        {
            var copy = new CopyObjectRequest
            {
                SourceBucket = Bucket,
                SourceKey = key,
                DestinationBucket = Bucket,
                DestinationKey = key,
                ETagToMatch = eTag,
                MetadataDirective = S3MetadataDirective.REPLACE,
                ContentType = contentType,
            };
            copy.Metadata[Sha256MetadataKey] = hash;
            await s3.CopyObjectAsync(copy, cancellationToken);
        }
        catch
        {
            await DeleteAfterFailureAsync(key);
            throw;
        }

        return new StoredMedia(key, size, hash, contentType, time.GetUtcNow());
    }

    /// <summary>Reads up to one part into <paramref name="buffer"/>; fewer bytes only at the end of the stream.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, IncrementalHash sha256,
        CancellationToken cancellationToken)
    {
        var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, PartBytes), PartBytes,
            throwOnEndOfStream: false, cancellationToken);
        sha256.AppendData(buffer, 0, read);
        return read;
    }

    private async Task<StoredMedia?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await s3.GetObjectMetadataAsync(
                new GetObjectMetadataRequest { BucketName = Bucket, Key = key }, cancellationToken);
            return ToMedia(key, head.Headers.ContentLength, head.Metadata, head.Headers.ContentType, head.LastModified);
        }
        catch (AmazonS3Exception e) when (IsMissing(e))
        {
            return null;
        }
    }

    private async Task<MediaContent?> EmptyAsync(string key, long offset, CancellationToken cancellationToken) =>
        await HeadAsync(key, cancellationToken) is { } media
            ? new MediaContent(Stream.Null, media, Math.Min(offset, media.Size), 0)
            : null;

    /// <summary>Cleanup after a failed upload: its own failure is logged and must not hide the first one.</summary>
    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = key,
                UploadId = uploadId,
            }, CancellationToken.None);
        }
        catch (Exception e) // logged; the upload's own failure is what the caller gets
        {
            LogAbortFailed(logger, key, uploadId, e);
        }
    }

    private async Task DeleteAfterFailureAsync(string key)
    {
        try
        {
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, CancellationToken.None);
        }
        catch (Exception e) // logged; the upload's own failure is what the caller gets
        {
            LogDeleteFailed(logger, key, e);
        }
    }

    private static StoredMedia ToMedia(string key, long size, MetadataCollection metadata, string? contentType,
        DateTime? lastModified) =>
        // An object written by something else has no x-amz-meta-sha256: its hash is reported empty.
        new(key, size, metadata[Sha256MetadataKey] ?? string.Empty, contentType ?? "application/octet-stream",
            lastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : DateTimeOffset.MinValue);

    /// <summary>Where the body starts and the object's full size, from <c>Content-Range: bytes a-b/total</c>.</summary>
    private static (long Start, long Total) Position(GetObjectResponse response, bool ranged)
    {
        var contentRange = response.ContentRange;
        if (string.IsNullOrEmpty(contentRange))
        {
            return ranged
                ? throw new InvalidOperationException("The S3 server ignored the Range of a GetObject request.")
                : (0, response.Headers.ContentLength);
        }

        // "bytes 1000-5095/10000"
        var span = contentRange.AsSpan();
        var dash = span.IndexOf('-');
        var slash = span.IndexOf('/');
        var space = span.IndexOf(' ');
        if (space < 0 || dash < space || slash < dash
            || !long.TryParse(span[(space + 1)..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(span[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var total))
        {
            throw new InvalidOperationException($"Unexpected Content-Range '{contentRange}' from the S3 server.");
        }

        return (start, total);
    }

    /// <summary>No such key. (A HEAD answer has no body, so a missing bucket looks the same there.)</summary>
    private static bool IsMissing(AmazonS3Exception e) =>
        e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket";

    private static void EnsureKey(string key)
    {
        if (!StorageLocation.IsValidKey(key))
        {
            throw new ArgumentException($"'{key}' is not a valid storage key.", nameof(key));
        }
    }

    private static InvalidOperationException AlreadyExists(string key, Exception? inner) =>
        new($"'{key}' exists already in the S3 media store: a key is written once.", inner);

    private static string Hex(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetCurrentHash());

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not abort the multipart upload {UploadId} of {Key}; a bucket lifecycle rule must remove it")]
    private static partial void LogAbortFailed(ILogger logger, string key, string uploadId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not remove {Key} after its upload failed; the orphan sweep must remove it")]
    private static partial void LogDeleteFailed(ILogger logger, string key, Exception exception);
}
