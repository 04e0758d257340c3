using AbParts.Application.Common.Exceptions;
using AbParts.Application.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Users;
using Moq;

namespace AbParts.Application.UnitTests.Images;

public sealed class ProfilePhotoHandlerTests
{
    private readonly ImageHandlerFixture _fixture = new();
    private readonly User _user;
    private readonly InMemoryRepository<User> _users;

    public ProfilePhotoHandlerTests()
    {
        _user = Fakes.User("alice", Fakes.Organization());
        _users = new InMemoryRepository<User>(_user);
    }

    private UploadProfilePhotoHandler Upload() =>
        new(_fixture.Storage(), _users, Fakes.CurrentUser(new(_user.Id, _user.OrganizationId, _user.Role)), _fixture.UnitOfWork);

    private DeleteProfilePhotoHandler Delete() =>
        new(_fixture.Storage(), _users, Fakes.CurrentUser(new(_user.Id, _user.OrganizationId, _user.Role)), _fixture.UnitOfWork);

    [Fact]
    public async Task StoresTheImageAndItsThumbnailsInPostgresAndPointsTheUserAtIt()
    {
        var result = await Upload().Handle(new UploadProfilePhotoCommand(ImageHandlerFixture.File(1, 2, 3)), CancellationToken.None);

        var image = _fixture.Images.Items.Should().ContainSingle().Subject;
        _user.ProfilePhotoImageId.Should().Be(image.Id);
        _fixture.Store.Keys.Should().BeEquivalentTo(image.StoredObjects.Select(l => l.Key));
        _fixture.Store.Keys.Should().HaveCount(4);
        result.Width.Should().Be(800);
        result.Sha256.Should().Be(image.Sha256.Value);
        _fixture.UnitOfWork.SaveCount.Should().Be(1);
    }

    [Fact]
    public async Task ReplacingThePhotoDeletesThePreviousImageAndItsBytes()
    {
        await Upload().Handle(new UploadProfilePhotoCommand(ImageHandlerFixture.File(1)), CancellationToken.None);
        var first = _fixture.Images.Items.Single();

        await Upload().Handle(new UploadProfilePhotoCommand(ImageHandlerFixture.File(2)), CancellationToken.None);

        _fixture.Images.Items.Should().ContainSingle().Which.Id.Should().NotBe(first.Id);
        _fixture.Store.Keys.Should().NotIntersectWith(first.StoredObjects.Select(l => l.Key));
        _fixture.Store.Keys.Should().HaveCount(4);
    }

    [Fact]
    public async Task ARefusedImageChangesNothing()
    {
        _fixture.Processor.Setup(p => p.ProcessAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<AbParts.Application.Common.Abstractions.ImageOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new UnsupportedMediaException("not an image"));

        var uploading = () => Upload().Handle(new UploadProfilePhotoCommand(ImageHandlerFixture.File(1)), CancellationToken.None);

        await uploading.Should().ThrowAsync<UnsupportedMediaException>();
        _fixture.Images.Items.Should().BeEmpty();
        _fixture.Store.Keys.Should().BeEmpty();
        _user.ProfilePhotoImageId.Should().BeNull();
        _fixture.UnitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task AnUploadDeclaredOverTheLimitIsRefusedBeforeProcessing()
    {
        var file = new UploadedFile("big.jpg", _fixture.Options.MaxInputBytes + 1, new MemoryStream());

        var uploading = () => Upload().Handle(new UploadProfilePhotoCommand(file), CancellationToken.None);

        await uploading.Should().ThrowAsync<PayloadTooLargeException>();
        _fixture.Processor.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task AnUploadLongerThanItDeclaredIsRefusedWhileReading()
    {
        var file = new UploadedFile("liar.jpg", 10, new MemoryStream(new byte[_fixture.Options.MaxInputBytes + 1]));

        var uploading = () => Upload().Handle(new UploadProfilePhotoCommand(file), CancellationToken.None);

        await uploading.Should().ThrowAsync<PayloadTooLargeException>();
        _fixture.Processor.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(800, "the declared length")]
    [InlineData(100, "a declared length shorter than the file")]
    [InlineData(0, "no declared length")]
    [InlineData(900, "a declared length longer than the file")]
    public async Task TheProcessorReceivesExactlyTheUploadedBytes(long declared, string what)
    {
        var bytes = Enumerable.Range(0, 800).Select(i => (byte)(i * 7)).ToArray(); // the limit is 1000
        byte[]? received = null;
        _fixture.Processor.Setup(p => p.ProcessAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<AbParts.Application.Common.Abstractions.ImageOptions>(), It.IsAny<CancellationToken>()))
            .Callback<ReadOnlyMemory<byte>, AbParts.Application.Common.Abstractions.ImageOptions, CancellationToken>((input, _, _) => received = input.ToArray())
            .ThrowsAsync(new UnsupportedMediaException("stop here"));

        var uploading = () => Upload().Handle(
            new UploadProfilePhotoCommand(new UploadedFile("photo.jpg", declared, new MemoryStream(bytes))), CancellationToken.None);

        await uploading.Should().ThrowAsync<UnsupportedMediaException>();
        received.Should().Equal(bytes, what);
    }

    [Fact]
    public async Task DeletingRemovesTheImageAndItsBytes()
    {
        await Upload().Handle(new UploadProfilePhotoCommand(ImageHandlerFixture.File(1)), CancellationToken.None);

        await Delete().Handle(new DeleteProfilePhotoCommand(), CancellationToken.None);

        _user.ProfilePhotoImageId.Should().BeNull();
        _fixture.Images.Items.Should().BeEmpty();
        _fixture.Store.Keys.Should().BeEmpty();
    }

    [Fact]
    public async Task DeletingWithoutAPhotoIsNotFound()
    {
        var deleting = () => Delete().Handle(new DeleteProfilePhotoCommand(), CancellationToken.None);

        await deleting.Should().ThrowAsync<NotFoundException>();
    }
}
