using AbParts.Application.Common.Abstractions;
using System.Security.Cryptography;
using AbParts.Application.Backups;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Media;

namespace AbParts.Application.UnitTests.Backups;

public sealed class VerifyBackupHandlerTests
{
    private const string Backup = "/backups/abparts-20261121T080000Z";

    private readonly BackupWorld _world = new();

    public VerifyBackupHandlerTests()
    {
        var dump = "PGDMP"u8.ToArray();
        _world.Files[$"{Backup}/database.dump"] = dump;
        _world.Files[$"{Backup}/objects/videos/a.mp4"] = "video"u8.ToArray();
        _world.Manifests[Backup] = new BackupManifest(1, Fakes.Now, StorageBackend.Local,
            new BackupFile("database.dump", dump.Length, Hash(dump)),
            [new BackupObject("videos/a.mp4", 5, Hash("video"u8.ToArray()), "video/mp4")]);
        _world.Database.Blobs.Add(Blob("images/1.webp", [1, 2, 3]));
        _world.Database.Blobs.Add(Blob("files/2.pdf", [0, 9]));
        _world.Database.References.AddRange(
        [
            new StoredObjectReference("images", StorageBackend.Postgres, "images/1.webp"),
            new StoredObjectReference("chat_files", StorageBackend.Postgres, "files/2.pdf"),
            new StoredObjectReference("videos", StorageBackend.Local, "videos/a.mp4"),
        ]);
    }

    private VerifyBackupHandler Handler() => new(_world.Folders, _world.Database, new FakeImageCheck(), WorkProgress.None);

    private Task<VerifyBackupResult> VerifyAsync() => Handler().Handle(new VerifyBackupCommand(Backup), CancellationToken.None);

    [Fact]
    public async Task AWholeBackupPassesEveryCheckAndTheTemporaryDatabaseIsDropped()
    {
        var result = await VerifyAsync();

        result.Failures.Should().BeEmpty();
        result.Checks.Should().Equal(
            new BackupCheck("database dump, SHA-256", 1, 0),
            new BackupCheck("video-store objects, SHA-256", 1, 0),
            new BackupCheck("PostgreSQL media objects, SHA-256", 2, 0),
            new BackupCheck("images decoded", 1, 0),
            new BackupCheck("stored objects the rows refer to", 3, 0));
        _world.Journal.Should().EndWith("dropped temporary");
    }

    [Fact]
    public async Task ATamperedObjectIsNamed()
    {
        _world.Files[$"{Backup}/objects/videos/a.mp4"] = "vidEo"u8.ToArray();

        var result = await VerifyAsync();

        result.Failures.Should().ContainSingle().Which.Item.Should().Be("videos/a.mp4");
    }

    [Fact]
    public async Task AnImageThatDoesNotDecodeIsNamedButAChatFileIsNeverDecoded()
    {
        _world.Database.Blobs[0] = Blob("images/1.webp", [0, 1]);

        var result = await VerifyAsync();

        result.Failures.Should().ContainSingle().Which.Should()
            .Be(new BackupFailure("images/1.webp", "does not decode: broken bitstream"));
    }

    [Fact]
    public async Task ABlobWhoseBytesDifferFromItsRecordedHashIsNamed()
    {
        _world.Database.Blobs[1] = _world.Database.Blobs[1] with { Data = [0, 8] };

        var result = await VerifyAsync();

        result.Failures.Should().ContainSingle().Which.Item.Should().Be("files/2.pdf");
    }

    [Fact]
    public async Task ARowWhoseObjectTheBackupDoesNotHoldIsNamed()
    {
        _world.Database.References.Add(new StoredObjectReference("chat_files", StorageBackend.Local, "files/9.zip"));
        _world.Database.References.Add(new StoredObjectReference("videos", StorageBackend.S3, "videos/b.mp4"));

        var result = await VerifyAsync();

        result.Failures.Select(f => f.Item).Should().Equal("chat_files → local:files/9.zip", "videos → s3:videos/b.mp4");
        result.Failures[1].Problem.Should().Contain("the S3 store, which this backup does not hold");
    }

    [Fact]
    public async Task ADumpThatDiffersFromTheManifestIsNotRestored()
    {
        _world.Files[$"{Backup}/database.dump"] = "PGDMX"u8.ToArray();

        var result = await VerifyAsync();

        result.Failures.Select(f => f.Item).Should().Equal("database.dump", "database.dump");
        _world.Journal.Should().BeEmpty();
    }

    [Fact]
    public async Task ADumpPgRestoreRefusesIsReportedAsAFailure()
    {
        var handler = new VerifyBackupHandler(_world.Folders, new RefusingDump(_world.Database), new FakeImageCheck(),
            WorkProgress.None);

        var result = await handler.Handle(new VerifyBackupCommand(Backup), CancellationToken.None);

        result.Failures.Should().ContainSingle().Which.Problem.Should().Contain("pg_restore failed");
    }

    private static StoredBlob Blob(string key, byte[] data) =>
        new(key, key.EndsWith(".webp", StringComparison.Ordinal) ? "image/webp" : "application/pdf", Hash(data), data);

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private sealed class RefusingDump(IDatabaseDump inner) : IDatabaseDump
    {
        public string DatabaseName => inner.DatabaseName;

        public Task DumpAsync(string file, CancellationToken cancellationToken) => inner.DumpAsync(file, cancellationToken);

        public Task<IReadOnlyList<string>> EnsureDatabaseAndListTablesAsync(CancellationToken cancellationToken) =>
            inner.EnsureDatabaseAndListTablesAsync(cancellationToken);

        public Task RestoreAsync(string file, CancellationToken cancellationToken) => inner.RestoreAsync(file, cancellationToken);

        public Task<IRestoredDatabase> RestoreTemporaryAsync(string file, CancellationToken cancellationToken) =>
            throw new DatabaseToolException("pg_restore failed (exit code 1): input file does not appear to be a valid archive");
    }
}
