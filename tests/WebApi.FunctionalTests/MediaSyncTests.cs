using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;
using AbParts.Infrastructure.Storage.S3;
using AbParts.Tests.Support;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// The service on the local video store with an S3 bucket configured beside it (<c>Storage:Videos:S3:*</c>, the s3rver
/// that ./build/test.sh starts): a deployment about to move its videos to S3. The verbs run with the same
/// configuration; a test that must not touch the service's bucket points them at a fresh bucket of its own.
/// </summary>
public sealed class MediaSyncApiFixture : ApiFixture
{
    public string Bucket { get; } = NewBucketName();

    protected override IEnumerable<string> ExtraArguments =>
    [
        .. S3Arguments(Bucket),
        "--Storage:Sweep:Interval=00:00:00", // no background sweep while the tests plant objects
    ];

    /// <summary>The <c>Storage:Videos:S3:*</c> settings for <paramref name="bucket"/>, as command-line arguments.</summary>
    public static IEnumerable<string> S3Arguments(string bucket) =>
    [
        $"--Storage:Videos:S3:ServiceUrl={Variable("ABPARTS_TEST_S3_URL")}",
        $"--Storage:Videos:S3:Bucket={bucket}",
        "--Storage:Videos:S3:Region=us-east-1",
        $"--Storage:Videos:S3:AccessKey={Variable("ABPARTS_TEST_S3_ACCESS_KEY")}",
        $"--Storage:Videos:S3:SecretKey={Variable("ABPARTS_TEST_S3_SECRET_KEY")}",
        "--Storage:Videos:S3:ForcePathStyle=true",
    ];

    /// <summary>A client of the s3rver, built as the service builds its own, for looking into buckets.</summary>
    public static AmazonS3Client S3() => S3ClientFactory.Create(new S3StorageOptions
    {
        ServiceUrl = new Uri(Variable("ABPARTS_TEST_S3_URL")),
        Region = "us-east-1",
        AccessKey = Variable("ABPARTS_TEST_S3_ACCESS_KEY"),
        SecretKey = Variable("ABPARTS_TEST_S3_SECRET_KEY"),
        ForcePathStyle = true,
    });

    /// <summary>Creates an empty bucket, as an operator would before pointing a sync at it.</summary>
    public static async Task<string> NewBucketAsync()
    {
        var bucket = NewBucketName();
        using var s3 = S3();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    /// <summary>The verbs' environment (<see cref="ApiFixture.VerbEnvironment"/>) with <paramref name="change"/> on top.</summary>
    public IReadOnlyDictionary<string, string> VerbEnvironment(IReadOnlyDictionary<string, string> change) =>
        new Dictionary<string, string>(VerbEnvironment().Concat(change).GroupBy(p => p.Key).Select(g => g.Last()));

    /// <summary>
    /// A second instance on the same database and data folder, configured as the runbook says after a switch:
    /// <c>Storage:Videos:Backend=S3</c> on this fixture's bucket.
    /// </summary>
    public async Task<(WebApplication App, Uri Address)> StartS3InstanceAsync()
    {
        var app = WebApp.Build(
        [
            .. S3Arguments(Bucket),
            "--Storage:Videos:Backend=S3",
            "--Storage:Sweep:Interval=00:00:00",
            "--urls=http://127.0.0.1:0",
            $"--ConnectionStrings:Default={Database.ConnectionString}",
            $"--Auth:Jwt:SigningKey={SigningKey}",
            $"--Auth:SignedUrls:Key={SignedUrlKey}",
            $"--ABPARTS_DATA_DIR={DataDirectory}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        return (app, await StartAsync(app));
    }

    protected override async Task PrepareAsync()
    {
        using var s3 = S3();
        await s3.PutBucketAsync(Bucket);
    }

    private static string NewBucketName() => $"abparts-sync-{Guid.NewGuid():N}"[..40];

    private static string Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. The media sync tests need the s3rver that ./build/test.sh starts; run the tests through it.");
}

/// <summary>
/// <c>media sync</c> run as an operator runs it, between the running instance's local video store and S3: what it
/// copies, that a rerun copies nothing, that <c>--switch</c> moves the rows and the service then streams from S3.
/// </summary>
public sealed class MediaSyncTests(MediaSyncApiFixture api) : IClassFixture<MediaSyncApiFixture>
{
    private static readonly byte[] LargeChatFile = SampleFiles.Text(ImageLimitsMaxBytes + 150_000);

    private const int ImageLimitsMaxBytes = 512_000;

    [Fact]
    public async Task SyncCopiesEveryVideoAndLargeChatFileToS3WithTheirSha256()
    {
        var uploads = await UploadAsync();
        var bucket = await MediaSyncApiFixture.NewBucketAsync();

        var result = await SyncAsync(bucket, "--from", "local", "--to", "s3");

        result.ExitCode.Should().Be(0, result.ToString());
        foreach (var (key, bytes) in uploads.Objects)
        {
            var (stored, recorded) = await ReadObjectAsync(bucket, key);
            Sha256(stored).Should().Be(Sha256(bytes), "{0} was copied whole", key);
            recorded.Should().Be(Sha256(bytes), "the copy of {0} records its SHA-256", key);
        }
    }

    [Fact]
    public async Task ASecondSyncCopiesNothing()
    {
        var uploads = await UploadAsync();
        var bucket = await MediaSyncApiFixture.NewBucketAsync();
        var first = await SyncAsync(bucket, "--from", "local", "--to", "s3");

        var second = await SyncAsync(bucket, "--from", "local", "--to", "s3");

        first.ExitCode.Should().Be(0, first.ToString());
        first.Output.Should().Contain($"{uploads.Objects[0].Key}: copied");
        second.ExitCode.Should().Be(0, second.ToString());
        second.Output.Should().Contain("copied\t0").And.Contain("replaced\t0").And.NotContain(": copied");
    }

    [Fact]
    public async Task SwitchMovesEveryRowToS3AndAServiceOnS3StreamsEveryVideoByteIdentical()
    {
        var uploads = await UploadAsync();
        var copied = await SyncAsync(api.Bucket, "--from", "local", "--to", "s3");

        var switched = await SyncAsync(api.Bucket, "--from", "local", "--to", "s3", "--switch");

        copied.ExitCode.Should().Be(0, copied.ToString());
        switched.ExitCode.Should().Be(0, switched.ToString());
        switched.Output.Should().Contain("copied\t0", "the first run copied everything").And.Contain("rows left on local\t0");
        (await api.Database.RowsAsync("SELECT DISTINCT storage_backend FROM videos")).Should().Equal("s3");
        (await api.Database.RowsAsync("SELECT DISTINCT storage_backend FROM chat_files WHERE storage_backend <> 'postgres'"))
            .Should().Equal("s3");
        var (app, address) = await api.StartS3InstanceAsync();
        await using (app)
        {
            foreach (var service in new[] { api.BaseAddress, address })
            {
                using var admin = api.WithToken(await api.SignInAsync(ApiFixture.SuperAdminUsername, ApiFixture.SuperAdminPassword));
                admin.BaseAddress = service;
                foreach (var (id, bytes) in uploads.Videos)
                {
                    Sha256(await admin.GetByteArrayAsync($"/videos/stream/{id}")).Should().Be(Sha256(bytes),
                        "video {0} streams from S3 through {1}", id, service);
                }

                using var owner = api.WithToken(uploads.OwnerToken);
                owner.BaseAddress = service;
                (await owner.GetByteArrayAsync($"/api/v1/chat/files/{uploads.ChatFileId}?download=true")).Should()
                    .Equal(LargeChatFile, "the chat file downloads from S3 through {0}", service);
            }
        }
    }

    [Fact]
    public async Task SwitchReadsEachCopyBackAndReplacesOneWhoseBytesDifferWhateverItsRecordedHashSays()
    {
        var uploads = await UploadAsync();
        var (id, original) = uploads.Videos[0];
        var key = uploads.Objects[0].Key;
        var copied = await SyncAsync(api.Bucket, "--from", "local", "--to", "s3");
        await PutForeignObjectAsync(api.Bucket, key, Damaged(original), recordedSha256: Sha256(original));

        var switched = await SyncAsync(api.Bucket, "--from", "local", "--to", "s3", "--switch");

        copied.ExitCode.Should().Be(0, copied.ToString());
        switched.ExitCode.Should().Be(0, switched.ToString());
        switched.Output.Should().Contain($"{key}: replaced");
        (await ReadObjectAsync(api.Bucket, key)).Bytes.Should().Equal(original);
        (await api.Database.ScalarAsync<string>($"SELECT storage_backend FROM videos WHERE id = '{id}'")).Should().Be("s3");
        using var admin = await api.SuperAdminAsync();
        (await admin.GetByteArrayAsync($"/videos/stream/{id}")).Should().Equal(original);
    }

    [Fact]
    public async Task ATargetObjectWithDifferentBytesUnderTheSameKeyIsDetectedAndReplaced()
    {
        var uploads = await UploadAsync();
        var (key, original) = uploads.Objects[1];
        var bucket = await MediaSyncApiFixture.NewBucketAsync();
        var copied = await SyncAsync(bucket, "--from", "local", "--to", "s3");
        await PutForeignObjectAsync(bucket, key, Damaged(original), recordedSha256: null);

        var result = await SyncAsync(bucket, "--from", "local", "--to", "s3");

        copied.ExitCode.Should().Be(0, copied.ToString());
        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain($"{key}: replaced").And.Contain("replaced\t1");
        var (bytes, recorded) = await ReadObjectAsync(bucket, key);
        bytes.Should().Equal(original);
        recorded.Should().Be(Sha256(original));
    }

    [Fact]
    public async Task ADryRunCopiesDeletesAndSwitchesNothingAndSaysWhatItWould()
    {
        var uploads = await UploadAsync();
        var (id, _) = uploads.Videos[0];
        var key = uploads.Objects[0].Key;
        var bucket = await MediaSyncApiFixture.NewBucketAsync();
        var stray = $"videos/{Guid.NewGuid():N}.mp4";
        await PutForeignObjectAsync(bucket, stray, [1, 2, 3], recordedSha256: null);

        var result = await SyncAsync(bucket, "--from", "local", "--to", "s3", "--dry-run", "--delete", "--switch");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain($"would copy {key}").And.Contain($"would delete {stray}").And.Contain("nothing changed");
        (await KeysAsync(bucket)).Should().Equal(stray);
        (await api.Database.ScalarAsync<string>($"SELECT storage_backend FROM videos WHERE id = '{id}'")).Should().Be("local");
    }

    [Fact]
    public async Task DeleteRemovesWhatTheSourceDoesNotHaveUnderTheVideoStorePrefixesOnly()
    {
        var bucket = await MediaSyncApiFixture.NewBucketAsync();
        var strays = new[] { $"videos/{Guid.NewGuid():N}.mp4", $"files/{Guid.NewGuid():N}.pdf" };
        foreach (var stray in strays)
        {
            await PutForeignObjectAsync(bucket, stray, [1, 2, 3], recordedSha256: null);
        }

        await PutForeignObjectAsync(bucket, "backups/keep.txt", [4, 5, 6], recordedSha256: null);

        var result = await SyncAsync(bucket, "--from", "local", "--to", "s3", "--delete");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain($"{strays[0]}: deleted").And.Contain($"{strays[1]}: deleted");
        (await KeysAsync(bucket)).Should().NotContain(strays).And.Contain("backups/keep.txt");
    }

    [Fact]
    public async Task AnObjectWhoseBytesDoNotMatchItsRecordedHashFailsTheRunWithExitCode1AndIsNamed()
    {
        var key = $"videos/{Guid.NewGuid():N}.mp4";
        var local = await LocalStoreAsync();
        await local.SaveAsync(key, new MemoryStream(SampleVideos.WebM), "video/webm", CancellationToken.None);
        var path = Path.Combine(api.DataDirectory, "media", key);
        await File.WriteAllBytesAsync(path, Damaged(SampleVideos.WebM)); // bit rot: same size, other bytes
        var bucket = await MediaSyncApiFixture.NewBucketAsync();
        try
        {
            var result = await SyncAsync(bucket, "--from", "local", "--to", "s3");

            result.ExitCode.Should().Be(1, result.ToString());
            result.Output.Should().Contain("failed\t1").And.MatchRegex($"(?m)^{key}\t.*do not match");
            (await KeysAsync(bucket)).Should().NotContain(key, "a damaged source is not copied");
        }
        finally
        {
            await local.DeleteAsync(key, CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("local", "local", null)]
    [InlineData("s3", "s3", null)]
    [InlineData("local", "s3", "")]
    [InlineData("local", "postgres", null)]
    public async Task AWrongPairOfStoresExitsWith2AndChangesNothing(string from, string to, string? bucket)
    {
        var environment = bucket is null
            ? api.VerbEnvironment()
            : api.VerbEnvironment(new Dictionary<string, string> { ["Storage__Videos__S3__Bucket"] = bucket });
        var before = await api.Database.RowsAsync("SELECT id, storage_backend FROM videos ORDER BY id");

        var result = await ServiceExecutable.RunVerbAsync(environment, "media", "sync", "--from", from, "--to", to);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().NotBeEmpty();
        (await api.Database.RowsAsync("SELECT id, storage_backend FROM videos ORDER BY id")).Should().Equal(before);
    }

    private Task<VerbResult> SyncAsync(string bucket, params string[] arguments) => ServiceExecutable.RunVerbAsync(
        api.VerbEnvironment(new Dictionary<string, string> { ["Storage__Videos__S3__Bucket"] = bucket }), ["media", "sync", .. arguments]);

    /// <summary>Three support videos (two alike, one WebM) and a chat file over Images:MaxBytes, uploaded through the API.</summary>
    private async Task<Uploads> UploadAsync()
    {
        using var admin = await api.SuperAdminAsync();
        var videos = new List<(Guid Id, byte[] Bytes)>();
        foreach (var (bytes, name, type) in new[]
                 {
                     (SampleVideos.Mp4, "setup.mp4", "video/mp4"), (SampleVideos.WebM, "oil.webm", "video/webm"),
                     (SampleVideos.Mp4, "again.mp4", "video/mp4"),
                 })
        {
            using var form = new MultipartFormDataContent
            {
                { new StringContent($"Video {name}"), "title" },
                { new StringContent("maintenance"), "category" },
                { new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue(type) } }, "file", name },
            };
            videos.Add(((await admin.PostAsync("/videos/support", form).ReadJsonAsync()).GetProperty("id").GetGuid(), bytes));
        }

        var (owner, _, _) = await api.UserAsync("user");
        using var files = new MultipartFormDataContent { { new ByteArrayContent(LargeChatFile), "file", "pump-log.txt" } };
        var upload = (await owner.PostAsync("/api/v1/chat/files", files).ReadJsonAsync()).GetProperty("uploads")[0];
        var fileId = upload.GetProperty("file_id").GetGuid();
        var token = owner.DefaultRequestHeaders.Authorization!.Parameter!;
        owner.Dispose();

        var objects = new List<(string Key, byte[] Bytes)>();
        foreach (var (id, bytes) in videos)
        {
            objects.Add((await KeyOfAsync("videos", id), bytes));
        }

        objects.Add((await KeyOfAsync("chat_files", fileId), LargeChatFile));
        return new Uploads(videos, fileId, token, objects);
    }

    private async Task<string> KeyOfAsync(string table, Guid id) =>
        (await api.Database.ScalarAsync<string>($"SELECT storage_key FROM {table} WHERE id = '{id}'"))!;

    private async Task<IMediaStore> LocalStoreAsync()
    {
        await using var scope = api.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Local);
    }

    private static async Task<(byte[] Bytes, string? RecordedSha256)> ReadObjectAsync(string bucket, string key)
    {
        using var s3 = MediaSyncApiFixture.S3();
        using var response = await s3.GetObjectAsync(bucket, key);
        using var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes);
        return (bytes.ToArray(), response.Metadata[S3MediaStore.Sha256MetadataKey]);
    }

    /// <summary>Writes an object as another tool would: any bytes, and whatever SHA-256 it chooses to record.</summary>
    private static async Task PutForeignObjectAsync(string bucket, string key, byte[] bytes, string? recordedSha256)
    {
        using var s3 = MediaSyncApiFixture.S3();
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(bytes),
            UseChunkEncoding = false,
        };
        if (recordedSha256 is not null)
        {
            request.Metadata[S3MediaStore.Sha256MetadataKey] = recordedSha256;
        }

        await s3.PutObjectAsync(request);
    }

    private static async Task<List<string>> KeysAsync(string bucket)
    {
        using var s3 = MediaSyncApiFixture.S3();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        return (listed.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    /// <summary>The same number of bytes with one of them changed.</summary>
    private static byte[] Damaged(byte[] bytes)
    {
        var damaged = bytes.ToArray();
        damaged[damaged.Length / 2] ^= 0xFF;
        return damaged;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <param name="Objects">Each upload's video-store key and bytes: the videos in order, then the chat file.</param>
    private sealed record Uploads(List<(Guid Id, byte[] Bytes)> Videos, Guid ChatFileId, string OwnerToken,
        List<(string Key, byte[] Bytes)> Objects);
}
