using System.Security.Cryptography;
using AbParts.Application.Backups;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Media;
using Microsoft.Extensions.Options;

namespace AbParts.Application.UnitTests.Backups;

public sealed class RestoreBackupHandlerTests
{
    private const string Backup = "/backups/abparts-20261121T080000Z";

    private readonly BackupWorld _world = new();
    private readonly InMemoryMediaStore _store = new(StorageBackend.Local);

    public RestoreBackupHandlerTests()
    {
        var dump = "PGDMP"u8.ToArray();
        _world.Files[$"{Backup}/database.dump"] = dump;
        _world.Files[$"{Backup}/objects/videos/a.mp4"] = "video"u8.ToArray();
        _world.Files[$"{Backup}/objects/files/b.txt"] = "file"u8.ToArray();
        _world.Manifests[Backup] = new BackupManifest(1, Fakes.Now, StorageBackend.Local,
            new BackupFile("database.dump", dump.Length, Hash(dump)),
            [
                new BackupObject("videos/a.mp4", 5, Hash("video"u8.ToArray()), "video/mp4"),
                new BackupObject("files/b.txt", 4, Hash("file"u8.ToArray()), "text/plain"),
            ]);
    }

    private RestoreBackupHandler Handler(StorageBackend videos = StorageBackend.Local) => new(_world.Folders, _world.Database,
        _store, new StoragePolicy(Options.Create(new ImageOptions()), Options.Create(new VideoStorageOptions { Backend = videos })),
        WorkProgress.None);

    [Fact]
    public async Task RestoresTheDumpThenEveryObjectWithItsContentType()
    {
        var result = await Handler().Handle(new RestoreBackupCommand(Backup), CancellationToken.None);

        result.Failures.Should().BeEmpty();
        result.Objects.Should().Be(2);
        _world.Journal.Should().Equal("ensure database", $"restore {Backup}/database.dump");
        _store.Bytes("videos/a.mp4").Should().Equal("video"u8.ToArray());
        (await _store.StatAsync("files/b.txt", CancellationToken.None))!.ContentType.Should().Be("text/plain");
    }

    [Fact]
    public async Task ADatabaseWithTablesIsRefusedBeforeAnythingIsRestored()
    {
        _world.Database.Tables.AddRange(["users", "images"]);

        var restoring = () => Handler().Handle(new RestoreBackupCommand(Backup), CancellationToken.None);

        (await restoring.Should().ThrowAsync<ValidationException>()).Which.Errors["database"].Single()
            .Should().Contain("'abparts' is not empty").And.Contain("users, images");
        _world.Journal.Should().Equal("ensure database");
        _store.Keys.Should().BeEmpty();
    }

    [Fact]
    public async Task AStoreWithAnObjectIsRefusedBeforeTheDatabaseIsTouched()
    {
        await _store.SaveAsync("videos/other.mp4", new MemoryStream([1]), "video/mp4", CancellationToken.None);

        var restoring = () => Handler().Handle(new RestoreBackupCommand(Backup), CancellationToken.None);

        (await restoring.Should().ThrowAsync<ValidationException>()).Which.Errors["store"].Single()
            .Should().Contain("videos/other.mp4");
        _world.Journal.Should().BeEmpty();
    }

    [Fact]
    public async Task ABackupOfAnotherVideoBackendIsRefused()
    {
        var restoring = () => Handler(StorageBackend.S3).Handle(new RestoreBackupCommand(Backup), CancellationToken.None);

        (await restoring.Should().ThrowAsync<ValidationException>()).Which.Errors["from"].Single()
            .Should().Contain("Storage:Videos:Backend=Local");
        _world.Journal.Should().BeEmpty();
    }

    [Fact]
    public async Task ADumpThatDiffersFromTheManifestRestoresNothing()
    {
        _world.Files[$"{Backup}/database.dump"] = "PGDMX"u8.ToArray();

        var result = await Handler().Handle(new RestoreBackupCommand(Backup), CancellationToken.None);

        result.Restored.Should().BeFalse();
        result.Failures.Should().ContainSingle().Which.Item.Should().Be("database.dump");
        _world.Journal.Should().BeEmpty();
        _store.Keys.Should().BeEmpty();
    }

    [Fact]
    public async Task AnObjectThatDiffersFromTheManifestIsNamedAndNotLeftInTheStore()
    {
        _world.Files[$"{Backup}/objects/videos/a.mp4"] = "vidEo"u8.ToArray();

        var result = await Handler().Handle(new RestoreBackupCommand(Backup), CancellationToken.None);

        result.Failures.Should().ContainSingle().Which.Item.Should().Be("videos/a.mp4");
        _store.Keys.Should().Equal("files/b.txt");
    }

    [Fact]
    public async Task AnObjectMissingFromTheBackupIsNamed()
    {
        _world.Files.Remove($"{Backup}/objects/files/b.txt");

        var result = await Handler().Handle(new RestoreBackupCommand(Backup), CancellationToken.None);

        result.Failures.Should().ContainSingle().Which.Should().Be(new BackupFailure("files/b.txt", "missing from the backup"));
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
