using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.Domain.UnitTests;

public sealed class UserTests
{
    private static readonly OrganizationId Organization = new(Guid.CreateVersion7());

    private static User NewUser(UserRole role = UserRole.User) =>
        User.Create(Username.Create("alice"), "hash", role, Organization, TestData.Now);

    [Fact]
    public void CreatesAUserWithTheGivenValues()
    {
        var user = User.Create(Username.Create("Alice"), "hash", UserRole.Admin, Organization, TestData.Now);

        user.Username.Value.Should().Be("alice");
        user.PasswordHash.Should().Be("hash");
        user.Role.Should().Be(UserRole.Admin);
        user.OrganizationId.Should().Be(Organization);
        user.CreatedAt.Should().Be(TestData.Now);
        user.Id.Value.Should().NotBe(Guid.Empty);
    }

    [Fact]
    public void RejectsAnEmptyOrganizationId()
    {
        var creating = () => User.Create(Username.Create("alice"), "hash", UserRole.User, new OrganizationId(Guid.Empty),
            TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage("*organization*");
    }

    [Fact]
    public void RejectsAnUndefinedRole()
    {
        var creating = () => User.Create(Username.Create("alice"), "hash", (UserRole)42, Organization, TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage("*role*");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void RejectsABlankPasswordHash(string hash)
    {
        var creating = () => User.Create(Username.Create("alice"), hash, UserRole.User, Organization, TestData.Now);

        creating.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData(UserRole.User, false)]
    [InlineData(UserRole.Admin, false)]
    [InlineData(UserRole.SuperAdmin, true)]
    public void IsSuperAdminOnlyWithTheSuperAdminRole(UserRole role, bool expected)
    {
        var user = NewUser(role);

        var isSuperAdmin = user.IsSuperAdmin;

        isSuperAdmin.Should().Be(expected);
    }

    [Fact]
    public void ChangePasswordHashReplacesTheHash()
    {
        var user = NewUser();

        user.ChangePasswordHash("new-hash");

        user.PasswordHash.Should().Be("new-hash");
    }

    [Fact]
    public void ReplaceProfilePhotoReturnsNullTheFirstTime()
    {
        var user = NewUser();

        var previous = user.ReplaceProfilePhoto(ImageAssetId.New());

        previous.Should().BeNull();
    }

    [Fact]
    public void ReplaceProfilePhotoReturnsThePreviousPhoto()
    {
        var user = NewUser();
        var first = ImageAssetId.New();
        var second = ImageAssetId.New();
        user.ReplaceProfilePhoto(first);

        var previous = user.ReplaceProfilePhoto(second);

        previous.Should().Be(first);
        user.ProfilePhotoImageId.Should().Be(second);
    }

    [Fact]
    public void ReplaceProfilePhotoWithNullRemovesThePhoto()
    {
        var user = NewUser();
        var photo = ImageAssetId.New();
        user.ReplaceProfilePhoto(photo);

        var previous = user.ReplaceProfilePhoto(null);

        previous.Should().Be(photo);
        user.ProfilePhotoImageId.Should().BeNull();
    }
}
