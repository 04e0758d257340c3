using System.Reflection;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using Moq;

namespace AbParts.Application.UnitTests.Images;

/// <summary>The per-owner decision of the legacy import, on in-memory ports (the file-system side has its own tests).</summary>
public sealed class LegacyImageImporterTests
{
    private readonly ImageHandlerFixture _fixture = new(); // MaxImagesPerPart = 3
    private readonly Organization _organization = Fakes.Organization();
    private readonly User _user;
    private readonly Part _part = Fakes.Part("PN-LEGACY");
    private readonly InMemoryRepository<User> _users;
    private readonly InMemoryRepository<Part> _parts;
    private readonly FakeMediaRoot _root = new();
    private readonly InMemoryLedger _ledger = new();
    private readonly List<string> _processedIn = [];

    public LegacyImageImporterTests()
    {
        _user = Fakes.User("alice", _organization);
        _users = new InMemoryRepository<User>(_user);
        _parts = new InMemoryRepository<Part>(_part);
        _fixture.Processor.Setup(p => p.ProcessAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<ImageOptions>(), It.IsAny<CancellationToken>()))
            .Callback(() => _processedIn.Add(_fixture.UnitOfWork.InTransaction ? "inside" : "outside"))
            .Returns((ReadOnlyMemory<byte> input, ImageOptions _, CancellationToken _) => input.Span[0] == (byte)'t'
                ? throw new UnsupportedMediaException("The file is not an image in a format we accept.")
                : Task.FromResult(ImageHandlerFixture.Processed(input)));
        _root.Files["/a.jpg"] = [1];
        _root.Files["/b.jpg"] = [2];
        _root.Files["/c.jpg"] = [3];
        _root.Files["/d.jpg"] = [4];
        _root.Files["/notes.jpg"] = "text"u8.ToArray();
    }

    private LegacyImageImporter Importer() => new(_fixture.Storage(), _ledger, _users,
        new InMemoryRepository<Organization>(_organization), _parts, _fixture.UnitOfWork, _fixture.OptionsValue, Fakes.Clock());

    private Task<IReadOnlyList<LegacyImageItem>> ImportAsync(LegacyImageOwnerKind kind, Guid id, bool dryRun = false) =>
        Importer().ImportAsync(_root, new LegacyImageOwner(kind, id), dryRun, CancellationToken.None);

    private Task<IReadOnlyList<LegacyImageItem>> ImportPartAsync(bool dryRun = false) =>
        ImportAsync(LegacyImageOwnerKind.Part, _part.Id.Value, dryRun);

    /// <summary>The first byte of each gallery image's stored bytes, in gallery order (the fake processor keeps the input in front).</summary>
    private async Task<List<byte>> GalleryAsync()
    {
        var bytes = new List<byte>();
        foreach (var image in _part.Images)
        {
            await using var content = await _fixture.Store.OpenAsync($"images/{image.ImageId.Value:N}.webp", null, CancellationToken.None);
            bytes.Add((byte)content!.Stream.ReadByte());
        }

        return bytes;
    }

    [Fact]
    public async Task ALegacyPhotoIsProcessedBeforeTheTransactionAndStoredWithItsLedgerRecordInIt()
    {
        SetLegacy(_user, nameof(User.ProfilePhotoUrl), "/a.jpg");

        var items = await ImportAsync(LegacyImageOwnerKind.User, _user.Id.Value);

        items.Should().ContainSingle().Which.Outcome.Should().Be(LegacyImageOutcome.Migrated);
        _processedIn.Should().Equal("outside");
        _user.ProfilePhotoImageId.Should().NotBeNull();
        _user.ProfilePhotoUrl.Should().Be("/a.jpg", "the legacy URL is kept for rollback");
        _ledger.Records.Should().ContainSingle().Which.Should().Be((_user.Id.Value, new LegacyImageRecord(0, "/a.jpg", _user.ProfilePhotoImageId, Fakes.Now)));
        _fixture.UnitOfWork.Commits.Should().Be(1);
        _fixture.UnitOfWork.SaveCount.Should().Be(_fixture.UnitOfWork.SavesInTransaction);
    }

    [Fact]
    public async Task AUserWhoUploadedAPhotoWhileTheFileWasProcessedKeepsItAndNothingIsStored()
    {
        SetLegacy(_user, nameof(User.ProfilePhotoUrl), "/a.jpg");
        var uploaded = await _fixture.StoredAsync(9);
        var keys = _fixture.Store.Keys.ToList();
        _users.WhileLocking = user => user.ReplaceProfilePhoto(uploaded.Id);

        var items = await ImportAsync(LegacyImageOwnerKind.User, _user.Id.Value);

        items.Should().ContainSingle().Which.Outcome.Should().Be(LegacyImageOutcome.AlreadyDone);
        _user.ProfilePhotoImageId.Should().Be(uploaded.Id);
        _fixture.Store.Keys.Should().BeEquivalentTo(keys, "the processed legacy file was dropped");
        _ledger.Records.Should().BeEmpty();
    }

    [Fact]
    public async Task APartsUrlsBecomeItsGalleryInOrderWithFailuresLeftOutAndTheRestBeyondTheLimitReported()
    {
        SetLegacyImages(_part, "/a.jpg", "/missing.jpg", "/notes.jpg", "/b.jpg", "/c.jpg", "/d.jpg");

        var items = await ImportPartAsync();

        items.Select(i => (i.Url, i.Outcome)).Should().Equal(
            ("/a.jpg", LegacyImageOutcome.Migrated), ("/missing.jpg", LegacyImageOutcome.FileMissing),
            ("/notes.jpg", LegacyImageOutcome.NotAnImage), ("/b.jpg", LegacyImageOutcome.Migrated),
            ("/c.jpg", LegacyImageOutcome.Migrated), ("/d.jpg", LegacyImageOutcome.GalleryFull));
        (await GalleryAsync()).Should().Equal(1, 2, 3);
        _ledger.Records.Select(r => r.Record.Index).Should().BeEquivalentTo([0, 3, 4]);
        _processedIn.Should().HaveCount(4, "the URL beyond the limit is not even read").And.OnlyContain(w => w == "outside");
        _fixture.UnitOfWork.Commits.Should().Be(1);
    }

    [Fact]
    public async Task ARerunFillsAGapInItsLegacyPlaceAndReportsTheRestAlreadyDone()
    {
        SetLegacyImages(_part, "/a.jpg", "/late.jpg", "/b.jpg");
        await ImportPartAsync();
        _root.Files["/late.jpg"] = [7];
        _processedIn.Clear();

        var items = await ImportPartAsync();

        items.Select(i => i.Outcome).Should().Equal(LegacyImageOutcome.AlreadyDone, LegacyImageOutcome.Migrated, LegacyImageOutcome.AlreadyDone);
        (await GalleryAsync()).Should().Equal(1, 7, 2);
        _processedIn.Should().ContainSingle("only what was left is read");
    }

    [Fact]
    public async Task AGalleryFilledByUploadsIsLeftAlone()
    {
        SetLegacyImages(_part, "/a.jpg");
        _part.AddImage((await _fixture.StoredAsync(9)).Id, 3);
        _processedIn.Clear();

        var items = await ImportPartAsync();

        items.Should().ContainSingle().Which.Outcome.Should().Be(LegacyImageOutcome.AlreadyDone);
        _part.ImageCount.Should().Be(1);
        _processedIn.Should().BeEmpty();
    }

    [Fact]
    public async Task ADryRunReadsNoFileAndChangesNothingButStillChecksPathsAndSizes()
    {
        SetLegacyImages(_part, "/a.jpg", "/missing.jpg", "/huge.jpg");
        _root.Files["/huge.jpg"] = new byte[_fixture.Options.MaxInputBytes + 1];

        var items = await ImportPartAsync(dryRun: true);

        items.Select(i => i.Outcome).Should().Equal(LegacyImageOutcome.Migrated, LegacyImageOutcome.FileMissing, LegacyImageOutcome.TooLarge);
        _processedIn.Should().BeEmpty();
        _root.Opened.Should().BeEmpty();
        _part.ImageCount.Should().Be(0);
        _fixture.UnitOfWork.SaveCount.Should().Be(0);
    }

    private static void SetLegacy(object entity, string property, string url) =>
        entity.GetType().GetProperty(property)!.SetValue(entity, url);

    private static void SetLegacyImages(Part part, params string[] urls) =>
        typeof(Part).GetField("_imageUrls", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(part, urls.ToList());

    /// <summary>A media folder of named byte arrays; what is not there is missing.</summary>
    private sealed class FakeMediaRoot : ILegacyMediaRoot
    {
        public Dictionary<string, byte[]> Files { get; } = [];

        public List<string> Opened { get; } = [];

        public string Path => "/legacy";

        public LegacyFile Locate(string url) => Files.TryGetValue(url, out var bytes)
            ? new LegacyFile(LegacyFileStatus.Found, string.Empty, url.TrimStart('/'), bytes.Length)
            : new LegacyFile(LegacyFileStatus.Missing, "no file at " + url);

        public LegacyFile Open(string url)
        {
            Opened.Add(url);
            var found = Locate(url);
            return found.Status == LegacyFileStatus.Found ? found with { Content = new MemoryStream(Files[url]) } : found;
        }
    }

    private sealed class InMemoryLedger : ILegacyImageLedger
    {
        public List<(Guid OwnerId, LegacyImageRecord Record)> Records { get; } = [];

        public Task<IReadOnlyList<LegacyImageRecord>> OfAsync(LegacyImageOwner owner, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<LegacyImageRecord>>([.. Records.Where(r => r.OwnerId == owner.Id).Select(r => r.Record)]);

        public Task RecordAsync(LegacyImageOwner owner, LegacyImageRecord record, CancellationToken cancellationToken)
        {
            Records.RemoveAll(r => r.OwnerId == owner.Id && r.Record.Index == record.Index);
            Records.Add((owner.Id, record));
            return Task.CompletedTask;
        }
    }
}
