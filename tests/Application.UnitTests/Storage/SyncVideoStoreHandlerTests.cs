using System.Runtime.CompilerServices;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Storage;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Users;
using AbParts.Domain.Videos;

namespace AbParts.Application.UnitTests.Storage;

/// <summary>
/// <c>media sync</c>'s rules over in-memory stores: what is copied, replaced, deleted and left alone, what a
/// damaged object does, and which rows <c>--switch</c> moves, one transaction each, after the store work.
/// </summary>
public sealed class SyncVideoStoreHandlerTests
{
    private readonly InMemoryMediaStore _local = new(StorageBackend.Local);
    private readonly InMemoryMediaStore _s3 = new(StorageBackend.S3);
    private readonly InMemoryRepository<VideoAsset> _videos = new();
    private readonly InMemoryRepository<ChatFile> _files = new();
    private readonly CountingUnitOfWork _unitOfWork = new();
    private readonly Dictionary<string, string> _recordedHashes = [];

    private SyncVideoStoreHandler Handler(IMediaStore? s3 = null) =>
        new(new VideoStoresOf(new RecordedHashes(_local, _recordedHashes), s3 ?? _s3), _videos, _files, _unitOfWork, Fakes.Clock());

    private Task<VideoStoreSyncReport> SyncAsync(bool dryRun = false, bool delete = false, bool @switch = false, IMediaStore? s3 = null) =>
        Handler(s3).Handle(new SyncVideoStoreCommand(StorageBackend.Local, StorageBackend.S3, dryRun, delete, @switch), CancellationToken.None);

    private static byte[] Bytes(int seed, int length = 1000) => Enumerable.Range(0, length).Select(i => (byte)(i * seed)).ToArray();

    private static async Task SaveAsync(InMemoryMediaStore store, string key, byte[] bytes) =>
        await store.SaveAsync(key, new MemoryStream(bytes), "video/mp4", CancellationToken.None);

    private async Task<VideoAsset> VideoAsync(byte[] bytes, bool stored = true)
    {
        var (id, key) = VideoAsset.NewKey(VideoFormat.Mp4);
        if (stored)
        {
            await SaveAsync(_local, key, bytes);
        }

        var video = VideoAsset.CreateSupportVideo(id, "Setting up", null, SupportVideoCategory.MachineSetup,
            new StoredVideo(VideoFormat.Mp4, bytes.Length, ContentHash.Of(bytes), 2, 320, 240,
                StorageLocation.Create(StorageBackend.Local, key), null), Fakes.Now);
        _videos.Add(video);
        return video;
    }

    private async Task<ChatFile> ChatFileAsync(byte[] bytes)
    {
        var (id, key) = ChatFile.NewKey(ChatFileType.Text);
        await SaveAsync(_local, key, bytes);
        var file = ChatFile.Create(id, UserId.New(), "log.txt", ChatFileType.Text, bytes.Length, ContentHash.Of(bytes),
            StorageLocation.Create(StorageBackend.Local, key), null, Fakes.Now);
        _files.Add(file);
        return file;
    }

    [Fact]
    public async Task CopiesWhatTheTargetLacksAndLeavesWhatItHoldsAlready()
    {
        await SaveAsync(_local, "videos/a.mp4", Bytes(3));
        await SaveAsync(_local, "files/b.pdf", Bytes(5));
        await SaveAsync(_s3, "files/b.pdf", Bytes(5));

        var report = await SyncAsync();

        report.Objects.Should().Equal(new SyncedObject("files/b.pdf", SyncOutcome.Unchanged), new SyncedObject("videos/a.mp4", SyncOutcome.Copied));
        _s3.Bytes("videos/a.mp4").Should().Equal(Bytes(3));
        report.SourceObjects.Should().Be(2);
    }

    [Fact]
    public async Task CopiesOnlyUnderThePrefixesTheServiceWritesToAVideoStore()
    {
        await SaveAsync(_local, "images/c.webp", Bytes(7));

        var report = await SyncAsync();

        report.Objects.Should().BeEmpty();
        _s3.Keys.Should().BeEmpty();
    }

    [Fact]
    public async Task ReplacesATargetObjectWhoseSizeOrHashDiffers()
    {
        await SaveAsync(_local, "videos/a.mp4", Bytes(3));
        await SaveAsync(_s3, "videos/a.mp4", Bytes(4));

        var report = await SyncAsync();

        report.Objects.Should().Equal(new SyncedObject("videos/a.mp4", SyncOutcome.Replaced));
        _s3.Bytes("videos/a.mp4").Should().Equal(Bytes(3));
    }

    [Fact]
    public async Task SourceBytesThatDoNotMatchWhatTheSourceRecordedAreNotCopied()
    {
        await SaveAsync(_local, "videos/a.mp4", Bytes(3));
        _recordedHashes["videos/a.mp4"] = ContentHash.Of(Bytes(9)).Value;

        var report = await SyncAsync();

        report.Failures.Should().ContainSingle().Which.Reason.Should().Contain("do not match what local recorded");
        _s3.Keys.Should().BeEmpty("nothing damaged is kept in the target");
    }

    [Fact]
    public async Task ADamagedSourceNeverReplacesTheTargetsCopy()
    {
        await SaveAsync(_local, "videos/a.mp4", Bytes(3));
        await SaveAsync(_s3, "videos/a.mp4", Bytes(9));
        _recordedHashes["videos/a.mp4"] = ContentHash.Of(Bytes(9)).Value + "0"; // differs from both

        var report = await SyncAsync();

        report.Failures.Should().ContainSingle().Which.Reason.Should().Contain("was left as it was");
        _s3.Bytes("videos/a.mp4").Should().Equal(Bytes(9));
    }

    [Fact]
    public async Task AnObjectInUseOnTheTargetIsNeverReplacedByADifferentSourceObject()
    {
        var video = await VideoAsync(Bytes(3), stored: false);
        await SaveAsync(_s3, video.Location.Key, Bytes(3));
        video.MoveTo(StorageBackend.S3, Fakes.Now);
        await SaveAsync(_local, video.Location.Key, Bytes(4));

        var report = await SyncAsync();

        report.Failures.Should().ContainSingle().Which.Reason.Should().Contain("in use");
        _s3.Bytes(video.Location.Key).Should().Equal(Bytes(3));
    }

    [Fact]
    public async Task DeleteRemovesTargetObjectsTheSourceLacksUnlessARowUsesThem()
    {
        var video = await VideoAsync(Bytes(3), stored: false);
        await SaveAsync(_s3, video.Location.Key, Bytes(3));
        await SaveAsync(_s3, "videos/stray.mp4", Bytes(4));
        await SaveAsync(_s3, "other/kept.txt", Bytes(5));

        var report = await SyncAsync(delete: true);

        report.Objects.Should().Equal(new SyncedObject("videos/stray.mp4", SyncOutcome.Deleted));
        _s3.Keys.Should().BeEquivalentTo(video.Location.Key, "other/kept.txt");
    }

    [Fact]
    public async Task ADryRunChangesNothingAndSaysWhatItWould()
    {
        var video = await VideoAsync(Bytes(3));
        await SaveAsync(_local, "files/b.pdf", Bytes(5));
        await SaveAsync(_s3, "files/b.pdf", Bytes(6));
        await SaveAsync(_s3, "videos/stray.mp4", Bytes(4));

        var report = await SyncAsync(dryRun: true, delete: true, @switch: true);

        report.Objects.Should().BeEquivalentTo([
            new SyncedObject("files/b.pdf", SyncOutcome.WouldReplace), new SyncedObject(video.Location.Key, SyncOutcome.WouldCopy),
            new SyncedObject("videos/stray.mp4", SyncOutcome.WouldDelete),
        ]);
        report.RowsSwitched.Should().Be(1, "the video's row would move");
        _s3.Keys.Should().BeEquivalentTo("files/b.pdf", "videos/stray.mp4");
        _s3.Bytes("files/b.pdf").Should().Equal(Bytes(6));
        video.Location.Backend.Should().Be(StorageBackend.Local);
        (_unitOfWork.Commits, _unitOfWork.SaveCount).Should().Be((0, 0));
    }

    [Fact]
    public async Task ADryRunNamesARowWhoseBytesAreInNeitherStore()
    {
        var missing = await VideoAsync(Bytes(4), stored: false);

        var report = await SyncAsync(dryRun: true, @switch: true);

        report.Failures.Should().ContainSingle().Which.Should().Match<SyncedObject>(f =>
            f.Key == missing.Location.Key && f.Reason!.Contains("missing from local"));
        (report.RowsSwitched, report.RowsLeft).Should().Be((0, 1));
    }

    [Fact]
    public async Task SwitchMovesEachVerifiedRowInATransactionOfItsOwnAfterTheCopies()
    {
        var video = await VideoAsync(Bytes(3));
        var file = await ChatFileAsync(Bytes(5, 600_000));
        var copiesInTransaction = 0;
        _s3.OnSave = _ => copiesInTransaction += _unitOfWork.InTransaction ? 1 : 0;

        var report = await SyncAsync(@switch: true);

        report.Failures.Should().BeEmpty();
        (report.RowsSwitched, report.RowsLeft).Should().Be((2, 0));
        video.Location.Should().Be(StorageLocation.Create(StorageBackend.S3, video.Location.Key));
        file.Location.Should().Be(StorageLocation.Create(StorageBackend.S3, file.Location.Key));
        _unitOfWork.Commits.Should().Be(2, "one row per transaction");
        copiesInTransaction.Should().Be(0, "no transaction is open while bytes are copied (ADR 0016)");
    }

    [Fact]
    public async Task SwitchLeavesARowWhoseBytesAreMissingAndNamesIt()
    {
        var moved = await VideoAsync(Bytes(3));
        var missing = await VideoAsync(Bytes(4), stored: false);

        var report = await SyncAsync(@switch: true);

        report.Failures.Should().ContainSingle().Which.Key.Should().Be(missing.Location.Key);
        (report.RowsSwitched, report.RowsLeft).Should().Be((1, 1));
        moved.Location.Backend.Should().Be(StorageBackend.S3);
        missing.Location.Backend.Should().Be(StorageBackend.Local);
    }

    [Fact]
    public async Task SwitchReadsTheTargetBackAndReplacesBytesThatDifferFromWhatTheTargetRecorded()
    {
        var video = await VideoAsync(Bytes(3));
        var s3 = new RecordedHashes(_s3, new Dictionary<string, string> { [video.Location.Key] = video.Sha256.Value });
        await SaveAsync(_s3, video.Location.Key, Bytes(4, 1000)); // same size, other bytes, but the store records the right hash

        var report = await SyncAsync(@switch: true, s3: s3);

        report.Objects.Should().Equal(new SyncedObject(video.Location.Key, SyncOutcome.Replaced));
        _s3.Bytes(video.Location.Key).Should().Equal(Bytes(3));
        video.Location.Backend.Should().Be(StorageBackend.S3);
    }

    [Fact]
    public async Task SwitchMovesARowWhoseSourceIsGoneWhenTheTargetHoldsItsBytes()
    {
        var video = await VideoAsync(Bytes(3), stored: false);
        await SaveAsync(_s3, video.Location.Key, Bytes(3));

        var report = await SyncAsync(@switch: true);

        report.Failures.Should().BeEmpty();
        video.Location.Backend.Should().Be(StorageBackend.S3);
    }

    [Fact]
    public async Task AStoreThatIsNotConfiguredIsAUsageError()
    {
        var handler = new SyncVideoStoreHandler(new VideoStoresOf(_local, null), _videos, _files, _unitOfWork, Fakes.Clock());

        var sync = () => handler.Handle(new SyncVideoStoreCommand(StorageBackend.Local, StorageBackend.S3), CancellationToken.None);

        (await sync.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("to");
    }

    [Theory]
    [InlineData(StorageBackend.Local, StorageBackend.Local, "to")]
    [InlineData(StorageBackend.S3, StorageBackend.S3, "to")]
    [InlineData(StorageBackend.Postgres, StorageBackend.S3, "from")]
    [InlineData(StorageBackend.Local, StorageBackend.Postgres, "to")]
    public void TheValidatorRefusesAPairThatIsNotTwoVideoStores(StorageBackend from, StorageBackend to, string field)
    {
        var result = new SyncVideoStoreValidator().Validate(new SyncVideoStoreCommand(from, to));

        result.Errors.Select(e => e.PropertyName).Should().Contain(char.ToUpperInvariant(field[0]) + field[1..]);
    }

    private sealed class VideoStoresOf(IMediaStore local, IMediaStore? s3) : IVideoStores
    {
        public IMediaStore? Find(StorageBackend backend) => backend switch
        {
            StorageBackend.Local => local,
            StorageBackend.S3 => s3,
            _ => null,
        };
    }

    /// <summary>A store that records the given SHA-256 for some keys, whatever their bytes: a damaged file beside stale metadata.</summary>
    private sealed class RecordedHashes(InMemoryMediaStore inner, IReadOnlyDictionary<string, string> hashes) : IMediaStore
    {
        public StorageBackend Backend => inner.Backend;

        public Task<StoredMedia> SaveAsync(string key, Stream content, string contentType, CancellationToken cancellationToken) =>
            inner.SaveAsync(key, content, contentType, cancellationToken);

        public Task<MediaContent?> OpenAsync(string key, ByteRange? range, CancellationToken cancellationToken) =>
            inner.OpenAsync(key, range, cancellationToken);

        public async Task<StoredMedia?> StatAsync(string key, CancellationToken cancellationToken) =>
            Recorded(await inner.StatAsync(key, cancellationToken));

        public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public async IAsyncEnumerable<StoredMedia> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var media in inner.ListAsync(prefix, cancellationToken))
            {
                yield return Recorded(media)!;
            }
        }

        private StoredMedia? Recorded(StoredMedia? media) =>
            media is not null && hashes.TryGetValue(media.Key, out var hash) ? media with { Sha256 = hash } : media;
    }
}
