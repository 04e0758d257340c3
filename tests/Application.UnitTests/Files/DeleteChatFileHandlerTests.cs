using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Files;
using AbParts.Application.UnitTests.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;

namespace AbParts.Application.UnitTests.ChatFiles;

/// <summary>
/// Deleting a chat file removes its row, its thumbnail image and its bytes: those in PostgreSQL with the row,
/// those in the video store once the row is committed away. Only the owner and super admins may.
/// </summary>
public sealed class DeleteChatFileHandlerTests
{
    private readonly ImageHandlerFixture _images = new();
    private readonly InMemoryMediaStore _videoStore = new(StorageBackend.Local);
    private readonly DeleteRecordingStore _postgres;
    private readonly DeleteRecordingStore _video;
    private readonly InMemoryRepository<ChatFile> _files = new();
    private readonly Caller _owner = ChatFakes.User();
    private readonly List<string> _deletes = [];

    public DeleteChatFileHandlerTests()
    {
        _postgres = new DeleteRecordingStore(_images.Store) { OnDelete = key => _deletes.Add($"postgres {key} {Where()}") };
        _video = new DeleteRecordingStore(_videoStore) { OnDelete = key => _deletes.Add($"video {key} {Where()}") };
    }

    /// <summary>Inside or outside the transaction, and how many commits came before.</summary>
    private string Where() =>
        $"{(_images.UnitOfWork.InTransaction ? "inside" : "outside")} after {_images.UnitOfWork.Commits} commits";

    private DeleteChatFileHandler Handler(Caller? caller) =>
        new(new ChatFileAccess(_files, Fakes.CurrentUser(caller)),
            new ChatFileRemoval(_files, _images.Storage(), new Stores(_postgres, _video)), _images.UnitOfWork);

    private Task<MediatR.Unit> DeleteAsync(ChatFile file, Caller? caller) =>
        Handler(caller).Handle(new DeleteChatFileCommand(file.Id.Value), CancellationToken.None);

    /// <summary>An image file of the owner, its original in PostgreSQL and its thumbnail image stored.</summary>
    private async Task<ChatFile> ImageFileAsync()
    {
        var thumbnail = await _images.StoredAsync(4, 5, 6);
        return await FileAsync(ChatFileType.Jpeg, StorageBackend.Postgres, [0xFF, 0xD8, 0xFF, 0xE0], thumbnail.Id);
    }

    private Task<ChatFile> FileAsync(ChatFileType type, StorageBackend backend, byte[] bytes, ImageAssetId? thumbnail = null) =>
        ChatFakes.StoredFileAsync(_files, backend == StorageBackend.Postgres ? _images.Store : _videoStore, _owner.UserId, type, bytes,
            thumbnail);

    [Fact]
    public async Task TheOwnerDeletesAnImageFileWithItsThumbnailAndItsBytesInsideTheTransaction()
    {
        var file = await ImageFileAsync();
        _images.Store.Keys.Should().HaveCount(1 + 1 + ImageLimits.ThumbnailSizes.Count);

        await DeleteAsync(file, _owner);

        _files.Items.Should().BeEmpty();
        _images.Images.Items.Should().BeEmpty();
        _images.Store.Keys.Should().BeEmpty();
        _deletes.Should().Contain($"postgres {file.Location.Key} inside after 0 commits");
        _images.UnitOfWork.Commits.Should().Be(1);
        _images.UnitOfWork.SaveCount.Should().Be(1);
        _images.UnitOfWork.SavesInTransaction.Should().Be(1);
    }

    [Fact]
    public async Task BytesInTheVideoStoreAreDeletedOnlyAfterTheCommit()
    {
        var file = await FileAsync(ChatFileType.Pdf, StorageBackend.Local, "%PDF-1.7\n large"u8.ToArray());

        await DeleteAsync(file, _owner);

        _files.Items.Should().BeEmpty();
        _videoStore.Keys.Should().BeEmpty();
        _deletes.Should().Equal($"video {file.Location.Key} outside after 1 commits");
    }

    [Fact]
    public async Task ASuperAdminMayDeleteAnyonesFile()
    {
        var file = await ImageFileAsync();

        await DeleteAsync(file, ChatFakes.SuperAdmin());

        _files.Items.Should().BeEmpty();
        _images.Images.Items.Should().BeEmpty();
        _images.Store.Keys.Should().BeEmpty();
    }

    public static TheoryData<string> Strangers() => ["another user", "an admin", "nobody"];

    [Theory]
    [MemberData(nameof(Strangers))]
    public async Task AnyoneElseIsToldTheFileDoesNotExistAndNothingIsRemoved(string who)
    {
        var file = await ImageFileAsync();
        var large = await FileAsync(ChatFileType.Pdf, StorageBackend.Local, "%PDF-1.7\n"u8.ToArray());
        var caller = who switch
        {
            "another user" => ChatFakes.User(),
            "an admin" => ChatFakes.Admin(),
            _ => null,
        };
        var keys = _images.Store.Keys.ToList();

        var deleting = () => DeleteAsync(file, caller);
        var deletingLarge = () => DeleteAsync(large, caller);

        await deleting.Should().ThrowAsync<NotFoundException>().WithMessage($"File '{file.Id}' was not found.");
        await deletingLarge.Should().ThrowAsync<NotFoundException>().WithMessage($"File '{large.Id}' was not found.");
        _files.Items.Should().HaveCount(2);
        _images.Images.Items.Should().ContainSingle();
        _images.Store.Keys.Should().BeEquivalentTo(keys);
        _videoStore.Keys.Should().Equal(large.Location.Key);
        _deletes.Should().BeEmpty();
        _images.UnitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task AFileThatDoesNotExistIsNotFound()
    {
        var id = Guid.NewGuid();

        var deleting = () => Handler(_owner).Handle(new DeleteChatFileCommand(id), CancellationToken.None);

        await deleting.Should().ThrowAsync<NotFoundException>().WithMessage($"File '{id}' was not found.");
    }
}
