using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Files;
using AbParts.Application.UnitTests.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using AbParts.Domain.Chat;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using Microsoft.Extensions.Logging;

namespace AbParts.Application.UnitTests.Users;

/// <summary>
/// Removing a user takes their photo, chat files and sessions in one transaction; chat files' bytes in the video
/// store go after the commit, and one that cannot be deleted then is left for the sweep, not reported as a failure.
/// </summary>
public sealed class DeleteUserHandlerTests
{
    private readonly ImageHandlerFixture _images = new();
    private readonly InMemoryMediaStore _videoStore = new(StorageBackend.Local);
    private readonly DeleteRecordingStore _video;
    private readonly InMemoryRepository<ChatFile> _files = new();
    private readonly InMemoryRepository<ChatSession> _sessions = new();
    private readonly InMemoryRepository<User> _users;
    private readonly RecordingLogger<DeleteUserHandler> _logger = new();
    private readonly Organization _organization = Fakes.Organization();
    private readonly User _superAdmin;
    private readonly User _target;
    private readonly List<string> _deletes = [];

    public DeleteUserHandlerTests()
    {
        _superAdmin = Fakes.User("root", _organization, UserRole.SuperAdmin);
        _target = Fakes.User("alice", _organization);
        _users = new(_superAdmin, _target);
        _video = new DeleteRecordingStore(_videoStore)
        {
            OnDelete = key => _deletes.Add($"{key} {(_images.UnitOfWork.InTransaction ? "inside" : "outside")} after {_images.UnitOfWork.Commits} commits"),
        };
    }

    private DeleteUserHandler Handler(User caller) =>
        new(new UserAdministration(_users, Fakes.CurrentUser(new Caller(caller.Id, caller.OrganizationId, caller.Role))), _users,
            _files, _sessions, new ChatFileRemoval(_files, _images.Storage(), new Stores(_images.Store, _video)), _images.Storage(),
            _images.UnitOfWork, _logger);

    private Task<IReadOnlyList<Guid>> DeleteAsync(User caller, User target) =>
        Handler(caller).Handle(new DeleteUserCommand(target.Id.Value), CancellationToken.None);

    /// <summary>The target's photo, an image chat file (bytes and thumbnail in PostgreSQL), a large file in the video store and a session.</summary>
    private async Task<ChatFile> BelongingsAsync()
    {
        _target.ReplaceProfilePhoto((await _images.StoredAsync(1, 2, 3)).Id);
        var thumbnail = await _images.StoredAsync(4, 5, 6);
        await FileAsync(ChatFileType.Jpeg, StorageBackend.Postgres, [0xFF, 0xD8, 0xFF, 0xE0], thumbnail.Id);
        _sessions.Add(ChatSession.Start(_target.Id, "Pump", Fakes.Now));
        return await FileAsync(ChatFileType.Pdf, StorageBackend.Local, "%PDF-1.7\n large"u8.ToArray());
    }

    private Task<ChatFile> FileAsync(ChatFileType type, StorageBackend backend, byte[] bytes, ImageAssetId? thumbnail = null) =>
        ChatFakes.StoredFileAsync(_files, backend == StorageBackend.Postgres ? _images.Store : _videoStore, _target.Id, type, bytes,
            thumbnail);

    [Fact]
    public async Task RemovesTheUserWithTheirPhotoFilesAndSessionsAndTheVideoStoreBytesAfterTheCommit()
    {
        var large = await BelongingsAsync();
        var files = _files.Items.Select(f => f.Id.Value).ToList();

        var removed = await DeleteAsync(_superAdmin, _target);

        removed.Should().BeEquivalentTo(files, "the caller voids what it cached of each");
        _users.Items.Should().Equal(_superAdmin);
        _files.Items.Should().BeEmpty();
        _sessions.Items.Should().BeEmpty();
        _images.Images.Items.Should().BeEmpty();
        _images.Store.Keys.Should().BeEmpty();
        _videoStore.Keys.Should().BeEmpty();
        _deletes.Should().Equal($"{large.Location.Key} outside after 1 commits");
        _images.UnitOfWork.SavesInTransaction.Should().Be(1);
    }

    [Fact]
    public async Task AVideoStoreFailureAfterTheCommitIsLeftForTheSweep()
    {
        var large = await BelongingsAsync();
        _video.OnDelete = _ => throw new IOException("disk went away");

        await DeleteAsync(_superAdmin, _target);

        _users.Items.Should().Equal(_superAdmin);
        _files.Items.Should().BeEmpty();
        _videoStore.Keys.Should().Equal(large.Location.Key);
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Message.Should().Contain(large.Location.Key);
    }

    [Fact]
    public async Task ASuperAdminCannotRemoveThemselvesAndNothingIsTouched()
    {
        var removing = () => DeleteAsync(_superAdmin, _superAdmin);

        await removing.Should().ThrowAsync<ForbiddenAccessException>();
        _users.Items.Should().HaveCount(2);
        _images.UnitOfWork.SaveCount.Should().Be(0);
    }
}
