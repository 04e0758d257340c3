using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AbParts.Application.Users;
using AbParts.Domain.Media;
using AbParts.Tests.Support;
using AbParts.WebApi;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// The real service on Kestrel at 127.0.0.1:0 against its own PostgreSQL database, configured only
/// through its configuration keys. Shared by the classes of <see cref="ApiTestGroup"/>.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    public const string SuperAdminUsername = "root";
    public const string SuperAdminPassword = "root-password-1";

    /// <summary>64 bytes, so tests can also sign HS512 tokens with it.</summary>
    public const string SigningKey = "functional-tests-signing-key-0123456789-abcdefghijklmnopqrstuvwx";

    public const string SignedUrlKey = "functional-tests-signed-url-key-0123456789-abcdefghijklmnopqrstu";

    /// <summary>Low, so that an oversize video upload is quick to send.</summary>
    public const long VideoMaxBytes = 5 * 1024 * 1024;

    public const string Issuer = "abparts-media";
    public const string Audience = "abparts";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private TestDatabase? _database;
    private WebApplication? _app;

    static ApiFixture()
    {
        // ASP.NET Core reads ASPNETCORE_TEMP once per process. Left to the service, it would be the first instance's
        // upload spool, deleted with that fixture while others still buffer uploads there; the temp folder outlives them.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEMP", Path.GetTempPath());
    }
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("abparts-api-").FullName;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>High by default so that many tests may sign in; <see cref="RateLimitedApiFixture"/> lowers it.</summary>
    protected virtual int SignInPermitsPerMinute => 100_000;

    /// <summary>High by default so that tests may upload as much as they need; <see cref="UploadLimitedApiFixture"/> lowers them.</summary>
    protected virtual (int PerMinute, int AtOnce) UploadLimits => (100_000, 1_000);

    public IServiceProvider Services => _app!.Services;

    /// <summary>The service's data folder (local video store under <c>media/</c>, spooled uploads under <c>uploads/</c>).</summary>
    public string DataDirectory => _dataDirectory;

    /// <summary>The service's own database, for checking what a request left behind.</summary>
    public TestDatabase Database => _database!;

    /// <summary>
    /// Asserts that the image store is whole: no stored bytes without an image or chat file row, and no image
    /// row that nothing (a user, an organization, a part, a video, a chat file) refers to.
    /// </summary>
    public async Task ImagesShouldHaveNoOrphansAsync(string because)
    {
        (await Database.RowsAsync("""
            SELECT b.key FROM media_blobs b
            WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.storage_key = b.key)
              AND NOT EXISTS (SELECT 1 FROM image_thumbnails t WHERE t.storage_key = b.key)
              AND NOT EXISTS (SELECT 1 FROM chat_files f WHERE f.storage_key = b.key)
            """)).Should().BeEmpty("no bytes outlive their row, {0}", because);
        (await Database.RowsAsync("""
            SELECT i.id FROM images i
            WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.profile_photo_image_id = i.id)
              AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.logo_image_id = i.id)
              AND NOT EXISTS (SELECT 1 FROM part_images p WHERE p.image_id = i.id)
              AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.poster_image_id = i.id)
              AND NOT EXISTS (SELECT 1 FROM chat_files f WHERE f.thumbnail_image_id = i.id)
            """)).Should().BeEmpty("no image is left without an owner, {0}", because);
    }

    /// <summary>
    /// What the image store holds, as one comparable string: the counts of image rows, thumbnail rows and users
    /// with a photo, and every stored blob by key and SHA-256. Equal before and after a request that changed nothing.
    /// </summary>
    public async Task<string> StoredImagesAsync()
    {
        var counts = await Database.RowsAsync("""
            SELECT (SELECT count(*) FROM images), (SELECT count(*) FROM image_thumbnails),
                   (SELECT count(*) FROM users WHERE profile_photo_image_id IS NOT NULL)
            """);
        var blobs = await Database.RowsAsync("SELECT key, sha256 FROM media_blobs ORDER BY key");
        return string.Join(Environment.NewLine, [.. counts, .. blobs]);
    }

    /// <summary>
    /// The environment under which a command-line verb acts on this instance's data, as an operator's shell would
    /// set it: the same database, data folder, keys and video store (<see cref="ExtraArguments"/> as <c>Key__Sub</c> variables).
    /// </summary>
    public IReadOnlyDictionary<string, string> VerbEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Default"] = Database.ConnectionString,
            ["ABPARTS_DATA_DIR"] = DataDirectory,
            ["Auth__Jwt__SigningKey"] = SigningKey,
            ["Auth__SignedUrls__Key"] = SignedUrlKey,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var argument in ExtraArguments)
        {
            var (key, value) = (argument.TrimStart('-').Split('=', 2)[0], argument.Split('=', 2)[1]);
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return environment;
    }

    /// <summary>Where this instance keeps videos; <see cref="S3ApiFixture"/> switches it by configuration alone.</summary>
    public virtual StorageBackend VideoBackend => StorageBackend.Local;

    /// <summary>Configuration added by a variant of the fixture.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>What a variant must prepare before the service starts.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>The PostgreSQL server the service's database is made on: the one ./build/test.sh starts, unless a variant brings its own.</summary>
    protected virtual string DatabaseServer => TestDatabase.ServerConnectionString;

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        _database = await TestDatabase.CreateAsync(create: false, DatabaseServer);
        _app = WebApp.Build(
        [
            .. ExtraArguments,
            "--urls=http://127.0.0.1:0",
            $"--ConnectionStrings:Default={_database.ConnectionString}",
            "--Database:ApplyMigrationsOnStartup=true",
            $"--Auth:Jwt:SigningKey={SigningKey}",
            $"--Auth:SignedUrls:Key={SignedUrlKey}",
            $"--ABPARTS_DATA_DIR={_dataDirectory}",
            "--Logging:LogLevel:Default=Warning",
            $"--Auth:SignIn:PermitsPerMinute={SignInPermitsPerMinute}",
            $"--Uploads:PermitsPerMinute={UploadLimits.PerMinute}",
            $"--Uploads:ConcurrentPerUser={UploadLimits.AtOnce}",
            $"--Videos:MaxBytes={VideoMaxBytes}",
            "--Storage:Sweep:MinAge=00:00:00",
        ]);
        await _app.MigrateIfConfiguredAsync(CancellationToken.None);
        BaseAddress = await StartAsync(_app);

        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IMediator>()
            .Send(new EnsureSuperAdminCommand(SuperAdminUsername, SuperAdminPassword, "AbParts"));
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>Starts the app on its configured (ephemeral) port and returns the address Kestrel bound.</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync();
        // The API's address comes first; a second one is the metrics address (MetricsTests).
        return new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.First());
    }

    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress };

    public HttpClient WithToken(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> SignInAsync(string username, string password)
    {
        using var client = Anonymous();
        using var response = await client.PostAsJsonAsync("/auth/token", new { username, password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }

    public async Task<HttpClient> SuperAdminAsync() => WithToken(await SignInAsync(SuperAdminUsername, SuperAdminPassword));

    /// <summary>Creates an organization and a user with <paramref name="role"/> in it; returns a client signed in as that user.</summary>
    public async Task<(HttpClient Client, Guid OrganizationId, Guid UserId)> UserAsync(string role)
    {
        using var admin = await SuperAdminAsync();
        var organization = await admin.PostAsJsonAsync("/organizations", new { name = $"Org {Guid.NewGuid()}" })
            .ReadJsonAsync();
        var organizationId = organization.GetProperty("id").GetGuid();
        var username = $"u{Guid.NewGuid():N}"[..16];
        var user = await admin.PostAsJsonAsync("/users",
            new { username, password = "user-password-1", organization_id = organizationId, role }).ReadJsonAsync();
        return (WithToken(await SignInAsync(username, "user-password-1")), organizationId, user.GetProperty("id").GetGuid());
    }
}

/// <summary>A second instance whose sign-in limit is low enough to reach.</summary>
public class RateLimitedApiFixture : ApiFixture
{
    public const int Limit = 3;

    protected override int SignInPermitsPerMinute => Limit;
}

/// <summary>Three uploads a minute per user, one at a time.</summary>
public sealed class UploadLimitedApiFixture : ApiFixture
{
    public const int PerMinute = 3;

    protected override (int PerMinute, int AtOnce) UploadLimits => (PerMinute, 1);
}

/// <summary>The low sign-in limit behind a proxy on loopback, the only one whose forwarded headers are believed.</summary>
public sealed class ProxiedApiFixture : RateLimitedApiFixture
{
    protected override IEnumerable<string> ExtraArguments => ["--Network:KnownProxies:0=127.0.0.1"];
}

/// <summary>An instance that hashes one password at a time and lets none wait.</summary>
public sealed class SingleHashApiFixture : ApiFixture
{
    protected override IEnumerable<string> ExtraArguments =>
        ["--Auth:PasswordHashing:MaxConcurrent=1", "--Auth:PasswordHashing:QueueLength=0"];
}

/// <summary>
/// The same service with videos in S3 (the s3rver that ./build/test.sh starts, unless a variant brings its own): only
/// configuration differs. The bucket is created first, as an operator would.
/// </summary>
public class S3ApiFixture : ApiFixture
{
    public override StorageBackend VideoBackend => StorageBackend.S3;

    /// <summary>The bucket the service keeps its videos in.</summary>
    public string Bucket { get; } = $"abparts-api-{Guid.NewGuid():N}"[..40];

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Storage:Videos:Backend=S3",
        $"--Storage:Videos:S3:ServiceUrl={Endpoint.Url}",
        $"--Storage:Videos:S3:Bucket={Bucket}",
        "--Storage:Videos:S3:Region=us-east-1",
        $"--Storage:Videos:S3:AccessKey={Endpoint.AccessKey}",
        $"--Storage:Videos:S3:SecretKey={Endpoint.SecretKey}",
        "--Storage:Videos:S3:ForcePathStyle=true",
        $"--Storage:Videos:S3:RedirectToPresigned={RedirectToPresigned}",
    ];

    /// <summary>Whether streaming redirects to presigned URLs instead of proxying.</summary>
    protected virtual bool RedirectToPresigned => false;

    /// <summary>The S3 server and account.</summary>
    protected virtual S3Endpoint Endpoint => S3Endpoint.OfTestRun;

    /// <summary>A client of the S3 server, for looking into the bucket as an operator's tool would.</summary>
    public Amazon.S3.AmazonS3Client S3Client() => new(
        new Amazon.Runtime.BasicAWSCredentials(Endpoint.AccessKey, Endpoint.SecretKey),
        new Amazon.S3.AmazonS3Config { ServiceURL = Endpoint.Url.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    protected override async Task PrepareAsync()
    {
        using var client = S3Client();
        await client.PutBucketAsync(Bucket);
    }
}

/// <summary>An S3 server's address and the account to use there.</summary>
public sealed record S3Endpoint(Uri Url, string AccessKey, string SecretKey)
{
    /// <summary>The s3rver that ./build/test.sh starts for all tests.</summary>
    public static S3Endpoint OfTestRun => new(new Uri(Variable("ABPARTS_TEST_S3_URL")), Variable("ABPARTS_TEST_S3_ACCESS_KEY"),
        Variable("ABPARTS_TEST_S3_SECRET_KEY"));

    private static string Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. The S3 tests need the s3rver that ./build/test.sh starts; run the tests through it.");
}

/// <summary>S3 with <c>Storage:Videos:S3:RedirectToPresigned</c>: streaming answers 302 to the bucket.</summary>
public sealed class S3RedirectApiFixture : S3ApiFixture
{
    protected override bool RedirectToPresigned => true;
}

[CollectionDefinition(Name)]
public sealed class ApiTestGroup : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

public static class HttpAssertions
{
    public static async Task<JsonElement> ReadJsonAsync(this Task<HttpResponseMessage> pending)
    {
        using var response = await pending;
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue($"the call should succeed, but got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 answer with the given status and type, no stack trace, and returns its body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, int status, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(status, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", text);
        text.Should().NotContain("   at ").And.NotContain("Exception", "errors never expose internals");
        var body = JsonDocument.Parse(text).RootElement.Clone();
        body.GetProperty("status").GetInt32().Should().Be(status);
        body.GetProperty("type").GetString().Should().Be(type);
        body.GetProperty("title").GetString().Should().NotBeNullOrWhiteSpace();
        return body;
    }
}
