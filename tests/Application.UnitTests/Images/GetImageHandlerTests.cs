using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Images;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using AbParts.Domain.Videos;

namespace AbParts.Application.UnitTests.Images;

public sealed class GetImageHandlerTests
{
    private readonly ImageHandlerFixture _fixture = new();
    private readonly User _user = Fakes.User("alice", Fakes.Organization());
    private readonly InMemoryRepository<User> _users;

    public GetImageHandlerTests() => _users = new InMemoryRepository<User>(_user);

    private GetImageHandler Handler() => Handler(Fakes.CurrentUser(new Caller(_user.Id, _user.OrganizationId, UserRole.User)));

    private GetImageHandler Handler(ICurrentUser reader) =>
        new(_users, new InMemoryRepository<Organization>(), new InMemoryRepository<Part>(), new InMemoryRepository<VideoAsset>(),
            _fixture.Images, new Files.ChatFileAccess(new InMemoryRepository<Domain.Files.ChatFile>(), reader), reader,
            _fixture.Store);

    private async Task<ImageAsset> PhotoAsync()
    {
        var image = await _fixture.StoredAsync(7, 7, 7);
        _user.ReplaceProfilePhoto(image.Id);
        return image;
    }

    /// <summary>Another request's change, committed: the user's photo becomes <paramref name="replacement"/> (or none), and <paramref name="old"/> goes.</summary>
    private Task CommitReplacementAsync(ImageAsset old, ImageAsset? replacement)
    {
        _user.ReplaceProfilePhoto(replacement?.Id);
        return _fixture.Storage().DeleteAsync(old.Id, CancellationToken.None);
    }

    [Fact]
    public async Task ServesTheFullImageWithItsVersion()
    {
        var image = await PhotoAsync();

        var reply = await Handler().Handle(new GetImageQuery(new ImageTarget.UserProfile(_user.Id.Value), null, []), CancellationToken.None);

        reply.Version.Should().Be(image.Sha256.Value);
        reply.IsThumbnail.Should().BeFalse();
        reply.Content.Should().NotBeNull();
        reply.Length.Should().Be(image.ByteSize);
    }

    [Fact]
    public async Task APhotoReplacedWhileItWasBeingReadIsAnsweredWithTheNewOne()
    {
        var old = await PhotoAsync();
        var replacement = await _fixture.StoredAsync(9, 9, 9);
        _fixture.Store.BeforeOpen = _ =>
        {
            _fixture.Store.BeforeOpen = null; // the replacement commits once, between the row and the bytes
            return CommitReplacementAsync(old, replacement);
        };

        var reply = await Handler().Handle(new GetImageQuery(new ImageTarget.UserProfile(_user.Id.Value), null, []), CancellationToken.None);

        reply.Version.Should().Be(replacement.Sha256.Value);
        reply.Content.Should().NotBeNull();
    }

    [Fact]
    public async Task APhotoReplacedBetweenReadingItsOwnerAndItsRowIsAnsweredWithTheNewOne()
    {
        var old = await PhotoAsync();
        var replacement = await _fixture.StoredAsync(9, 9, 9);
        _fixture.Images.BeforeFirstOrDefault = () =>
        {
            _fixture.Images.BeforeFirstOrDefault = null; // the replacement commits once, after the user's row named the old image
            return CommitReplacementAsync(old, replacement);
        };

        var reply = await Handler().Handle(new GetImageQuery(new ImageTarget.UserProfile(_user.Id.Value), null, []), CancellationToken.None);

        reply.Version.Should().Be(replacement.Sha256.Value);
        reply.Content.Should().NotBeNull();
    }

    [Fact]
    public async Task APhotoRemovedBetweenReadingItsOwnerAndItsRowIsNotFound()
    {
        var old = await PhotoAsync();
        _fixture.Images.BeforeFirstOrDefault = () =>
        {
            _fixture.Images.BeforeFirstOrDefault = null;
            return CommitReplacementAsync(old, null);
        };

        var reading = () => Handler().Handle(new GetImageQuery(new ImageTarget.UserProfile(_user.Id.Value), null, []), CancellationToken.None);

        await reading.Should().ThrowAsync<NotFoundException>().WithMessage("The profile photo was not found.");
    }

    [Fact]
    public async Task APhotoRemovedWhileItWasBeingReadIsNotFound()
    {
        var old = await PhotoAsync();
        _fixture.Store.BeforeOpen = _ =>
        {
            _fixture.Store.BeforeOpen = null;
            return CommitReplacementAsync(old, null);
        };

        var reading = () => Handler().Handle(new GetImageQuery(new ImageTarget.UserProfile(_user.Id.Value), null, []), CancellationToken.None);

        await reading.Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task BytesMissingUnderAnImageThatStillExistsAreAFault()
    {
        var image = await PhotoAsync();
        await _fixture.Store.DeleteAsync(image.Location.Key, CancellationToken.None);

        var reading = () => Handler().Handle(new GetImageQuery(new ImageTarget.UserProfile(_user.Id.Value), null, []), CancellationToken.None);

        (await reading.Should().ThrowAsync<InvalidOperationException>()).WithMessage($"*{image.Id}*missing*");
        _fixture.Store.Opens.Should().Be(2, "it looked once more before calling it a fault");
    }

    [Fact]
    public async Task ServesTheThumbnailOfTheRequestedSize()
    {
        var image = await PhotoAsync();

        var reply = await Handler().Handle(new GetImageQuery(new ImageTarget.UserProfile(_user.Id.Value), 200, []), CancellationToken.None);

        reply.Version.Should().Be(image.Thumbnail(200)!.Sha256.Value);
        reply.IsThumbnail.Should().BeTrue();
    }

    [Fact]
    public async Task AClientThatHoldsTheVersionGetsNoBytesAndTheStoreIsNotRead()
    {
        var image = await PhotoAsync();

        var reply = await Handler().Handle(
            new GetImageQuery(new ImageTarget.UserProfile(_user.Id.Value), null, [image.Sha256.Value]), CancellationToken.None);

        reply.NotModified.Should().BeTrue();
        _fixture.Store.Opens.Should().Be(0);
    }

    [Fact]
    public async Task AUserWithoutAPhotoIsNotFound()
    {
        var getting = () => Handler().Handle(new GetImageQuery(new ImageTarget.UserProfile(_user.Id.Value), null, []),
            CancellationToken.None);

        await getting.Should().ThrowAsync<NotFoundException>().WithMessage("The profile photo was not found.");
    }
}
