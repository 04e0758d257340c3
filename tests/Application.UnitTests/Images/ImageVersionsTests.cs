using AbParts.Application.Common.Security;
using AbParts.Application.Organizations;
using AbParts.Application.Parts;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.Application.UnitTests.Images;

/// <summary>An answer carries an image's version, which the HTTP layer signs, only for a caller who may read the image.</summary>
public sealed class ImageVersionsTests
{
    private readonly Organization _own = Fakes.Organization("Own");
    private readonly Organization _other = Fakes.Organization("Other");

    [Fact]
    public async Task AUserOfTheSameOrganizationGetsTheVersionOfAProfilePhoto()
    {
        var (user, photo) = UserWithPhoto(_own);
        var caller = Fakes.MemberOf(_own);

        var dto = await UserDto.OneAsync(user, TestMapper.Instance, Fakes.ImageVersions(caller, photo), CancellationToken.None);

        dto.ProfilePhotoVersion.Should().Be(photo.Sha256.Value);
    }

    [Fact]
    public async Task AnotherOrganizationsAdminGetsNoVersionOfAProfilePhoto()
    {
        var (user, photo) = UserWithPhoto(_own);
        var caller = Fakes.MemberOf(_other, UserRole.Admin);

        var dto = await UserDto.OneAsync(user, TestMapper.Instance, Fakes.ImageVersions(caller, photo), CancellationToken.None);

        dto.ProfilePhotoVersion.Should().BeNull();
    }

    [Fact]
    public async Task ASuperAdminGetsTheVersionOfAnyLogo()
    {
        var logo = Fakes.Image();
        _other.ReplaceLogo(logo.Id);

        var dto = await OrganizationDto.OneAsync(_other, TestMapper.Instance,
            Fakes.ImageVersions(Fakes.SuperAdmin(_own), logo), CancellationToken.None);

        dto.LogoVersion.Should().Be(logo.Sha256.Value);
    }

    [Fact]
    public async Task AnOrganizationWithoutALogoHasNoVersion()
    {
        var dto = await OrganizationDto.OneAsync(_own, TestMapper.Instance,
            Fakes.ImageVersions(Fakes.MemberOf(_own)), CancellationToken.None);

        dto.LogoVersion.Should().BeNull();
    }

    [Fact]
    public async Task EverySignedInUserGetsAPartsGalleryInOrder()
    {
        var (first, second) = (Fakes.Image(1), Fakes.Image(2));
        var part = Fakes.Part("PN-001");
        part.AddImage(first.Id, 10);
        part.AddImage(second.Id, 10);
        part.ReorderImages([second.Id, first.Id]);

        var dto = await PartDto.OneAsync(part, TestMapper.Instance,
            Fakes.ImageVersions(Fakes.MemberOf(_other), first, second), CancellationToken.None);

        dto.Gallery.Should().Equal(new PartImageVersion(0, second.Sha256.Value), new PartImageVersion(1, first.Sha256.Value));
    }

    [Fact]
    public async Task AnAnonymousCallerGetsNoVersionOfAPartImage()
    {
        var image = Fakes.Image();
        var part = Fakes.Part("PN-001");
        part.AddImage(image.Id, 10);

        var dto = await PartDto.OneAsync(part, TestMapper.Instance, Fakes.ImageVersions(null, image), CancellationToken.None);

        dto.Gallery.Should().BeEmpty();
    }

    private static (User User, Domain.Images.ImageAsset Photo) UserWithPhoto(Organization organization)
    {
        var user = Fakes.User("alice", organization);
        var photo = Fakes.Image();
        user.ReplaceProfilePhoto(photo.Id);
        return (user, photo);
    }
}
