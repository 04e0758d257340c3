using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;

namespace AbParts.Application.UnitTests.Images;

public sealed class GalleryAndLogoHandlerTests
{
    private readonly ImageHandlerFixture _fixture = new();
    private readonly Part _part = Fakes.Part("PN-1");
    private readonly InMemoryRepository<Part> _parts;
    private readonly Organization _organization = Fakes.Organization();
    private readonly InMemoryRepository<Organization> _organizations;

    public GalleryAndLogoHandlerTests()
    {
        _parts = new InMemoryRepository<Part>(_part);
        _organizations = new InMemoryRepository<Organization>(_organization);
    }

    private AddPartImagesHandler Add() => new(_fixture.Storage(), _parts, _fixture.OptionsValue, _fixture.UnitOfWork);

    private Task<IReadOnlyList<PartImageDto>> AddAsync(params byte[][] files) =>
        Add().Handle(new AddPartImagesCommand(_part.Id.Value, files.Select(f => ImageHandlerFixture.File(f)).ToList()),
            CancellationToken.None);

    [Fact]
    public async Task AddsImagesAtTheEndOfTheGalleryInTheOrderGiven()
    {
        var added = await AddAsync([1], [2]);

        added.Select(a => a.Index).Should().Equal(0, 1);
        _part.Images.Select(i => i.ImageId.Value).Should().Equal(added.Select(a => a.Image.ImageId));
    }

    [Fact]
    public async Task RefusesToGrowTheGalleryPastTheMaximumAndStoresNothing()
    {
        await AddAsync([1], [2]);
        var keys = _fixture.Store.Keys.Count;

        var adding = () => AddAsync([3], [4]);

        (await adding.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("file");
        _part.ImageCount.Should().Be(2);
        _fixture.Store.Keys.Should().HaveCount(keys);
    }

    [Fact]
    public async Task RemovingAnImageDeletesItsBytesAndMovesTheOthersUp()
    {
        var added = await AddAsync([1], [2], [3]);

        await new RemovePartImageHandler(_fixture.Storage(), _parts, _fixture.UnitOfWork)
            .Handle(new RemovePartImageCommand(_part.Id.Value, 0), CancellationToken.None);

        _part.Images.Select(i => i.ImageId.Value).Should().Equal(added[1].Image.ImageId, added[2].Image.ImageId);
        _fixture.Images.Items.Should().HaveCount(2);
        _fixture.Store.Keys.Should().HaveCount(8);
    }

    [Fact]
    public async Task RemovingAnIndexThatDoesNotExistIsNotFound()
    {
        await AddAsync([1]);

        var removing = () => new RemovePartImageHandler(_fixture.Storage(), _parts, _fixture.UnitOfWork)
            .Handle(new RemovePartImageCommand(_part.Id.Value, 1), CancellationToken.None);

        await removing.Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task ReorderingAppliesThePermutationOfCurrentIndexes()
    {
        var added = await AddAsync([1], [2], [3]);

        await new ReorderPartImagesHandler(_parts, _fixture.UnitOfWork)
            .Handle(new ReorderPartImagesCommand(_part.Id.Value, [2, 0, 1]), CancellationToken.None);

        _part.Images.Select(i => i.ImageId.Value).Should()
            .Equal(added[2].Image.ImageId, added[0].Image.ImageId, added[1].Image.ImageId);
    }

    [Theory]
    [InlineData(new[] { 0, 1 })]
    [InlineData(new[] { 0, 1, 3 })]
    [InlineData(new[] { 0, 1, -1 })]
    public async Task ReorderingWithAnythingButAPermutationIsRefused(int[] order)
    {
        await AddAsync([1], [2], [3]);

        var reordering = () => new ReorderPartImagesHandler(_parts, _fixture.UnitOfWork)
            .Handle(new ReorderPartImagesCommand(_part.Id.Value, order), CancellationToken.None);

        await reordering.Should().ThrowAsync<ValidationException>();
    }

    [Theory]
    [InlineData(UserRole.Admin, true, true)]
    [InlineData(UserRole.SuperAdmin, false, true)]
    [InlineData(UserRole.Admin, false, false)]
    [InlineData(UserRole.User, true, false)]
    public async Task OnlyTheOrganizationsAdminsOrASuperAdminSetItsLogo(UserRole role, bool sameOrganization, bool allowed)
    {
        var organization = sameOrganization ? _organization.Id : OrganizationId.New();
        var handler = new UploadOrganizationLogoHandler(_fixture.Storage(), _organizations,
            Fakes.CurrentUser(new Caller(UserId.New(), organization, role)), _fixture.UnitOfWork);

        var uploading = () => handler.Handle(new UploadOrganizationLogoCommand(_organization.Id.Value, ImageHandlerFixture.File(1)),
            CancellationToken.None);

        if (allowed)
        {
            await uploading.Should().NotThrowAsync();
            _organization.LogoImageId.Should().NotBeNull();
        }
        else
        {
            await uploading.Should().ThrowAsync<ForbiddenAccessException>();
            _fixture.Store.Keys.Should().BeEmpty();
        }
    }
}
