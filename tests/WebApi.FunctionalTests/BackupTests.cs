using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using AbParts.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>Backups of an instance whose videos and large files are on the local disk.</summary>
public sealed class LocalBackupTests(ApiFixture api) : BackupTests(api), IClassFixture<ApiFixture>;

/// <summary>The same backups with the video store in S3 (s3rver): a restore goes into a new, empty bucket.</summary>
public sealed class S3BackupTests(S3ApiFixture api) : BackupTests(api), IClassFixture<S3ApiFixture>;

/// <summary>
/// <c>backup create</c>, <c>verify</c> and <c>restore</c> run as an operator runs them, against a running instance's
/// data; the restored data is then served by a second instance and compared byte for byte with the first's.
/// </summary>
public abstract class BackupTests(ApiFixture api) : IAsyncLifetime
{
    /// <summary>The full image and each thumbnail.</summary>
    private static readonly string[] Sizes = ["", "?size=100", "?size=200", "?size=300"];

    private readonly List<string> _folders = [];
    private readonly List<TestDatabase> _databases = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        foreach (var folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ARestoredBackupServesEveryImageVideoAndFileByteForByte()
    {
        using var admin = await api.SuperAdminAsync();
        var served = await SeedAsync(admin);
        var original = await HashesAsync(admin, served);
        var backups = Folder();
        var (database, environment) = await EmptyTargetAsync();

        var created = await RunAsync(api.VerbEnvironment(), "backup", "create", "--out", backups);
        var verified = await RunAsync(api.VerbEnvironment(), "backup", "verify", "--from", backups);
        var restored = await RunAsync(environment, "backup", "restore", "--from", backups);

        created.ExitCode.Should().Be(0, created.ToString());
        verified.ExitCode.Should().Be(0, verified.ToString());
        verified.Output.Should().Contain("The backup is whole.");
        restored.ExitCode.Should().Be(0, restored.ToString());
        (await database.ScalarAsync<long>("SELECT count(*) FROM media_blobs")).Should()
            .Be(await api.Database.ScalarAsync<long>("SELECT count(*) FROM media_blobs"));
        await using var second = await RestoredInstance.StartAsync(environment);
        using var client = await second.SuperAdminAsync();
        (await HashesAsync(client, served)).Should().Equal(original);
    }

    [Fact]
    public async Task ARestoreIntoADatabaseWithTablesIsRefusedAndChangesNothing()
    {
        using var admin = await api.SuperAdminAsync();
        await UploadChatFileAsync(admin);
        var backups = await BackupAsync();
        var before = await api.StoredImagesAsync();
        var tables = await api.Database.RowsAsync("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
        var (_, empty) = await EmptyTargetAsync();
        var target = new Dictionary<string, string>(empty) { ["ConnectionStrings__Default"] = api.Database.ConnectionString };

        var result = await RunAsync(target, "backup", "restore", "--from", backups);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().Contain($"The database '{api.Database.Name}' is not empty");
        (await api.StoredImagesAsync()).Should().Be(before);
        (await api.Database.RowsAsync("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).Should().Equal(tables);
        (await StoreKeysAsync(target)).Should().BeEmpty("nothing was copied to the empty store either");
    }

    [Fact]
    public async Task ARestoreIntoAStoreWithObjectsIsRefusedBeforeTheDatabaseIsCreated()
    {
        using var admin = await api.SuperAdminAsync();
        await UploadChatFileAsync(admin);
        var backups = await BackupAsync();
        var (database, empty) = await EmptyTargetAsync();
        var target = new Dictionary<string, string>(api.VerbEnvironment())
        {
            ["ConnectionStrings__Default"] = empty["ConnectionStrings__Default"],
        };

        var result = await RunAsync(target, "backup", "restore", "--from", backups);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().Contain("video store is not empty");
        (await ServerScalarAsync($"SELECT count(*) FROM pg_database WHERE datname = '{database.Name}'")).Should().Be(0);
    }

    [Fact]
    public async Task VerifyExitsWith1AndNamesATamperedObject()
    {
        using var admin = await api.SuperAdminAsync();
        var file = await UploadChatFileAsync(admin);
        var key = (await api.Database.RowsAsync($"SELECT storage_key FROM chat_files WHERE id = '{file}'")).Single();
        var backups = await BackupAsync();
        var backup = Directory.GetDirectories(backups).Single();
        var copy = Path.Combine(backup, "objects", key);
        var bytes = await File.ReadAllBytesAsync(copy);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(copy, bytes);

        var result = await RunAsync(api.VerbEnvironment(), "backup", "verify", "--from", backup);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Output.Should().Contain(key).And.Contain("the manifest says");
        result.Error.Should().Contain($"failed: {key}:");
    }

    [Fact]
    public async Task KeepTwoAfterThreeBackupsLeavesTheNewestTwoAndEverythingElseInTheFolder()
    {
        var backups = Folder();
        string[] strangers = ["abparts-20200101T000000Z", "abparts-manual-copy", "notes"];
        foreach (var stranger in strangers)
        {
            Directory.CreateDirectory(Path.Combine(backups, stranger));
        }

        await File.WriteAllTextAsync(Path.Combine(backups, "README.txt"), "Backups of AbParts Media.");

        var made = new List<string>();
        for (var run = 0; run < 3; run++)
        {
            var result = await RunAsync(api.VerbEnvironment(), "backup", "create", "--out", backups, "--keep", "2");
            result.ExitCode.Should().Be(0, result.ToString());
            made.Add(result.Output.Split('\n').Single(l => l.StartsWith("Backup written to ", StringComparison.Ordinal))
                ["Backup written to ".Length..].TrimEnd('.', '\r'));
        }

        Directory.GetDirectories(backups).Select(Path.GetFileName).Should()
            .BeEquivalentTo([.. strangers, Path.GetFileName(made[1]), Path.GetFileName(made[2])],
                "the oldest complete backup goes; an incomplete one (no manifest) and other folders stay");
        File.Exists(Path.Combine(backups, "README.txt")).Should().BeTrue();
        made.Distinct().Should().HaveCount(3, "three runs in the same second still make three backups");
    }

    /// <summary>A profile photo, two part images, a support video and a chat file over Images:MaxBytes; the routes that serve them.</summary>
    private static async Task<List<string>> SeedAsync(HttpClient admin)
    {
        var photo = await ImagesTests.UploadAsync(admin, "/uploads/users/profile-photo", SampleImages.MediumJpeg, "photo.jpg");
        var part = (await admin.PostAsJsonAsync("/parts", new { part_number = $"BK-{Guid.NewGuid():N}"[..20], name = "Pump" })
            .ReadJsonAsync()).GetProperty("id").GetGuid();
        await ImagesTests.UploadAsync(admin, $"/uploads/parts/{part}/images", SampleImages.MediumJpeg, "a.jpg");
        await ImagesTests.UploadAsync(admin, $"/uploads/parts/{part}/images", SampleImages.PortraitPng, "b.png");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Setting up the crusher"), "title" },
            { new StringContent("machine_setup"), "category" },
            { Content(SampleVideos.Mp4, "video/mp4"), "file", "setup.mp4" },
        };
        var video = (await admin.PostAsync("/videos/support", form).ReadJsonAsync()).GetProperty("id").GetGuid();
        var file = await UploadChatFileAsync(admin);
        var profile = photo.GetProperty("url").GetString()!.Split('?')[0];

        List<string> routes =
        [
            $"/images/parts/{part}/0", $"/images/parts/{part}/1", $"/images/parts/{part}/1?size=300",
            $"/videos/stream/{video}", $"/videos/{video}/thumbnail", $"/api/v1/chat/files/{file}",
        ];
        routes.AddRange(Sizes.Select(size => profile + size));
        return routes;
    }

    /// <summary>A text file of 600 000 bytes: over Images:MaxBytes, so it is kept in the video store.</summary>
    private static async Task<Guid> UploadChatFileAsync(HttpClient client)
    {
        using var form = new MultipartFormDataContent { { Content(SampleFiles.Text(600_000), "text/plain"), "file", "log.txt" } };
        var body = await client.PostAsync("/api/v1/chat/files", form).ReadJsonAsync();
        return body.GetProperty("uploads")[0].GetProperty("file_id").GetGuid();
    }

    private static ByteArrayContent Content(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    /// <summary>The SHA-256 of what each route serves, in the routes' order.</summary>
    private static async Task<List<string>> HashesAsync(HttpClient client, IEnumerable<string> routes)
    {
        var hashes = new List<string>();
        foreach (var route in routes)
        {
            using var response = await client.GetAsync(route);
            response.StatusCode.Should().Be(HttpStatusCode.OK, route);
            hashes.Add($"{route} {Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync()))}");
        }

        return hashes;
    }

    private async Task<string> BackupAsync()
    {
        var backups = Folder();
        var created = await RunAsync(api.VerbEnvironment(), "backup", "create", "--out", backups);
        created.ExitCode.Should().Be(0, created.ToString());
        return backups;
    }

    /// <summary>
    /// A database that does not exist yet and an empty data folder (an empty new bucket with S3), as the environment of
    /// a verb or an instance that uses them with this instance's keys.
    /// </summary>
    private async Task<(TestDatabase Database, Dictionary<string, string> Environment)> EmptyTargetAsync()
    {
        var database = await TestDatabase.CreateAsync(create: false);
        _databases.Add(database);
        var environment = new Dictionary<string, string>(api.VerbEnvironment())
        {
            ["ConnectionStrings__Default"] = database.ConnectionString,
            ["ABPARTS_DATA_DIR"] = Folder(),
        };
        if (environment.ContainsKey("Storage__Videos__S3__Bucket"))
        {
            var bucket = $"abparts-restore-{Guid.NewGuid():N}"[..40];
            using var s3 = S3Client(environment);
            await s3.PutBucketAsync(bucket);
            environment["Storage__Videos__S3__Bucket"] = bucket;
        }

        return (database, environment);
    }

    private static Amazon.S3.AmazonS3Client S3Client(Dictionary<string, string> environment) => new(
        new Amazon.Runtime.BasicAWSCredentials(environment["Storage__Videos__S3__AccessKey"], environment["Storage__Videos__S3__SecretKey"]),
        new Amazon.S3.AmazonS3Config
        {
            ServiceURL = environment["Storage__Videos__S3__ServiceUrl"], ForcePathStyle = true, AuthenticationRegion = "us-east-1",
        });

    /// <summary>The keys in the video store that <paramref name="environment"/> points at.</summary>
    private static async Task<List<string>> StoreKeysAsync(Dictionary<string, string> environment)
    {
        if (environment.TryGetValue("Storage__Videos__S3__Bucket", out var bucket))
        {
            using var s3 = S3Client(environment);
            var listed = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket });
            return (listed.S3Objects ?? []).Select(o => o.Key).ToList();
        }

        var root = Path.Combine(environment["ABPARTS_DATA_DIR"], "media");
        return Directory.Exists(root) ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToList() : [];
    }

    private static async Task<long> ServerScalarAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestDatabase.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private string Folder()
    {
        var folder = Directory.CreateTempSubdirectory("abparts-backup-").FullName;
        _folders.Add(folder);
        return folder;
    }

    private static Task<VerbResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        ServiceExecutable.RunVerbAsync(environment, arguments);

    /// <summary>
    /// A second instance of the service on restored data, configured as an operator would start it: from the same
    /// environment the restore verb ran with (database, data folder, keys, video store).
    /// </summary>
    private sealed class RestoredInstance : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RestoredInstance(WebApplication app, Uri address)
        {
            _app = app;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<RestoredInstance> StartAsync(IReadOnlyDictionary<string, string> environment)
        {
            var app = WebApp.Build(
            [
                "--urls=http://127.0.0.1:0",
                .. environment.Select(e => $"--{e.Key.Replace("__", ":", StringComparison.Ordinal)}={e.Value}"),
            ]);
            return new RestoredInstance(app, await ApiFixture.StartAsync(app));
        }

        public async Task<HttpClient> SuperAdminAsync()
        {
            using var anonymous = new HttpClient { BaseAddress = Address };
            using var response = await anonymous.PostAsJsonAsync("/auth/token",
                new { username = ApiFixture.SuperAdminUsername, password = ApiFixture.SuperAdminPassword });
            response.StatusCode.Should().Be(HttpStatusCode.OK, "the restored database holds the super admin");
            var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
            var client = new HttpClient { BaseAddress = Address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
