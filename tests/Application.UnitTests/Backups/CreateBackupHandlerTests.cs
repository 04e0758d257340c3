using System.Security.Cryptography;
using AbParts.Application.Backups;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Media;
using Microsoft.Extensions.Options;

namespace AbParts.Application.UnitTests.Backups;

public sealed class CreateBackupHandlerTests
{
    private readonly BackupWorld _world = new();
    private readonly InMemoryMediaStore _store = new(StorageBackend.Local);

    private CreateBackupHandler Handler() => new(_world.Folders, _world.Database, _store,
        new StoragePolicy(Options.Create(new ImageOptions()), Options.Create(new VideoStorageOptions { Backend = StorageBackend.Local })),
        WorkProgress.None, Fakes.Clock());

    private async Task SaveAsync(string key, string text) =>
        await _store.SaveAsync(key, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "text/plain", CancellationToken.None);

    [Fact]
    public async Task DumpsThenCopiesEveryObjectThenWritesTheManifestLast()
    {
        await SaveAsync("videos/a.mp4", "video");
        await SaveAsync("files/b.pdf", "file");

        var result = await Handler().Handle(new CreateBackupCommand("/backups", null), CancellationToken.None);

        _world.Journal.Should().Equal($"create {result.Path}", "dump", "object videos/a.mp4", "object files/b.pdf", "manifest");
        var manifest = _world.Manifests[result.Path];
        manifest.VideoBackend.Should().Be(StorageBackend.Local);
        manifest.Objects.Should().BeEquivalentTo(new[]
        {
            new BackupObject("videos/a.mp4", 5, Sha256("video"), "text/plain"),
            new BackupObject("files/b.pdf", 4, Sha256("file"), "text/plain"),
        });
        manifest.Database.Should().Be(new BackupFile("database.dump", _world.Database.DumpBytes.Length,
            Convert.ToHexStringLower(SHA256.HashData(_world.Database.DumpBytes))));
        _world.Files[$"{result.Path}/objects/files/b.pdf"].Should().Equal(_store.Bytes("files/b.pdf"));
        result.Failures.Should().BeEmpty();
    }

    [Fact]
    public async Task ObjectsOutsideTheServicesPrefixesAreNotBackedUp()
    {
        await SaveAsync("videos/a.mp4", "video");
        await SaveAsync("other/notes.txt", "not ours");

        var result = await Handler().Handle(new CreateBackupCommand("/backups", null), CancellationToken.None);

        _world.Manifests[result.Path].Objects.Select(o => o.Key).Should().Equal("videos/a.mp4");
    }

    [Fact]
    public async Task AFailedDumpLeavesNoBackupFolderBehind()
    {
        _world.Database.DumpFailure = new DatabaseToolException("pg_dump failed (exit code 1): connection refused");

        var creating = () => Handler().Handle(new CreateBackupCommand("/backups", null), CancellationToken.None);

        await creating.Should().ThrowAsync<DatabaseToolException>();
        _world.Journal.Should().EndWith("removed /backups/abparts-20261121T080000Z");
        _world.Manifests.Should().BeEmpty();
    }

    [Fact]
    public async Task KeepDeletesTheCompleteBackupsBeyondTheNewestNAndNoIncompleteOne()
    {
        _world.Folders.Existing.AddRange(
        [
            Listing("abparts-20261118T000000Z", days: -3, complete: true),
            Listing("abparts-20261119T000000Z", days: -2, complete: false),
            Listing("abparts-20261120T000000Z", days: -1, complete: true),
            Listing("abparts-20261121T070000Z", days: 0, complete: true),
        ]);

        var result = await Handler().Handle(new CreateBackupCommand("/backups", 2), CancellationToken.None);

        result.Pruned.Should().Equal("abparts-20261120T000000Z", "abparts-20261118T000000Z");
        _world.Folders.Existing.Select(b => b.Name).Should()
            .BeEquivalentTo("abparts-20261119T000000Z", "abparts-20261121T070000Z", "abparts-20261121T080000Z");
    }

    [Fact]
    public async Task WithoutKeepNothingIsDeleted()
    {
        _world.Folders.Existing.Add(Listing("abparts-20261118T000000Z", days: -3, complete: true));

        var result = await Handler().Handle(new CreateBackupCommand("/backups", null), CancellationToken.None);

        result.Pruned.Should().BeEmpty();
        _world.Folders.Deleted.Should().BeEmpty();
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("/backups", 0)]
    public void TheValidatorRefusesNoFolderAndKeepingNone(string output, int? keep)
    {
        var result = new CreateBackupValidator().Validate(new CreateBackupCommand(output, keep));

        result.IsValid.Should().BeFalse();
    }

    private static BackupListing Listing(string name, int days, bool complete) =>
        new($"/backups/{name}", name, Fakes.Now.AddDays(days).AddHours(days == 0 ? -1 : 0), complete);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
