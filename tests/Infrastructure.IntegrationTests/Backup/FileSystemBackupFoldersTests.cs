using AbParts.Application.Backups;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Media;
using AbParts.Infrastructure.Backup;

namespace AbParts.Infrastructure.IntegrationTests.Backup;

public sealed class FileSystemBackupFoldersTests : IDisposable
{
    private static readonly DateTimeOffset Morning = new(2026, 12, 4, 3, 15, 0, TimeSpan.Zero);

    private readonly string _parent = Directory.CreateTempSubdirectory("abparts-backups-").FullName;
    private readonly FileSystemBackupFolders _folders = new();

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ABackupIsAPrivateFolderNamedForItsTimeWhoseManifestReadsBack()
    {
        var manifest = Manifest(Morning, [new BackupObject("videos/a.mp4", 3, new string('a', 64), "video/mp4")]);

        var path = await WriteAsync(Morning, manifest, ("videos/a.mp4", [1, 2, 3]));
        var read = _folders.Open(path);

        Path.GetFileName(path).Should().Be("abparts-20261204T031500Z");
        File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        read.Manifest.Should().BeEquivalentTo(manifest);
        using var content = read.ReadObject("videos/a.mp4")!;
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        copy.ToArray().Should().Equal(1, 2, 3);
        read.ReadObject("videos/missing.mp4").Should().BeNull();
    }

    [Fact]
    public async Task TwoBackupsInTheSameSecondGetTwoFoldersListedNewestFirst()
    {
        var first = await WriteAsync(Morning, Manifest(Morning, []));
        var second = await WriteAsync(Morning, Manifest(Morning, []));

        var listed = _folders.List(_parent);

        listed.Select(b => b.Path).Should().Equal(second, first);
        Path.GetFileName(second).Should().Be("abparts-20261204T031500Z-2");
    }

    [Fact]
    public void AWriterDisposedBeforeItsManifestRemovesItsFolder()
    {
        string path;
        using (var writer = _folders.Create(_parent, Morning))
        {
            path = writer.Path;
            using var file = writer.CreateObject("videos/a.mp4");
            file.WriteByte(1);
        }

        Directory.Exists(path).Should().BeFalse();
    }

    [Fact]
    public async Task OpeningTheParentTakesTheNewestCompleteBackupAndListingIgnoresOtherFolders()
    {
        var older = await WriteAsync(Morning.AddDays(-1), Manifest(Morning.AddDays(-1), []));
        var newer = await WriteAsync(Morning, Manifest(Morning, []));
        Directory.CreateDirectory(Path.Combine(_parent, "abparts-20261205T000000Z")); // incomplete: no manifest
        Directory.CreateDirectory(Path.Combine(_parent, "abparts-copy"));
        Directory.CreateDirectory(Path.Combine(_parent, "notes"));

        var opened = _folders.Open(_parent);
        var listed = _folders.List(_parent);

        opened.Path.Should().Be(newer);
        listed.Select(b => (b.Name, b.Complete)).Should().Equal(
            ("abparts-20261205T000000Z", false), (Path.GetFileName(newer), true), (Path.GetFileName(older), true));
    }

    [Fact]
    public void AnIncompleteBackupIsRefusedByName()
    {
        var incomplete = Path.Combine(_parent, "abparts-20261205T000000Z");
        Directory.CreateDirectory(incomplete);

        var opening = () => _folders.Open(incomplete);

        opening.Should().Throw<NotFoundException>().WithMessage("*is an incomplete backup*");
    }

    [Fact]
    public void DeletingRefusesAFolderThatIsNotABackup()
    {
        var stranger = Directory.CreateDirectory(Path.Combine(_parent, "notes")).FullName;

        var deleting = () => _folders.Delete(new BackupListing(stranger, "notes", Morning, Complete: true));

        deleting.Should().Throw<InvalidOperationException>();
        Directory.Exists(stranger).Should().BeTrue();
    }

    [Theory]
    [InlineData("../escape.mp4")]
    [InlineData("videos/../../escape.mp4")]
    [InlineData("/etc/passwd")]
    public void AKeyThatIsNotAStorageKeyIsRefused(string key)
    {
        using var writer = _folders.Create(_parent, Morning);

        var creating = () => writer.CreateObject(key);

        creating.Should().Throw<ArgumentException>();
        Directory.EnumerateFiles(_parent, "*", SearchOption.AllDirectories).Should().OnlyContain(f => f.EndsWith("database.dump"));
    }

    private async Task<string> WriteAsync(DateTimeOffset at, BackupManifest manifest, params (string Key, byte[] Bytes)[] objects)
    {
        using var writer = _folders.Create(_parent, at);
        foreach (var (key, bytes) in objects)
        {
            await using var file = writer.CreateObject(key);
            await file.WriteAsync(bytes);
        }

        await writer.CompleteAsync(manifest, CancellationToken.None);
        return writer.Path;
    }

    private static BackupManifest Manifest(DateTimeOffset at, IReadOnlyList<BackupObject> objects) =>
        new(BackupManifest.CurrentFormat, at, StorageBackend.Local, new BackupFile("database.dump", 0, new string('0', 64)), objects);
}
