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
    public void ANewUserHasARandomSecurityStampOf128Bits()
    {
        var one = NewUser();
        var other = NewUser();

        one.SecurityStamp.Should().HaveLength(User.SecurityStampLength).And.MatchRegex("^[A-Za-z0-9_-]+$");
        other.SecurityStamp.Should().NotBe(one.SecurityStamp);
    }

    [Fact]
    public void ChangingThePasswordRotatesTheSecurityStamp()
    {
        var user = NewUser();
        var before = user.SecurityStamp;

        user.ChangePasswordHash("new-hash");

        user.SecurityStamp.Should().NotBe(before).And.HaveLength(User.SecurityStampLength);
    }

    [Fact]
    public void RehashingThePasswordKeepsTheSecurityStamp()
    {
        var user = NewUser();
        var before = user.SecurityStamp;

        user.RehashPassword("stronger-hash-of-the-same-password");

        user.PasswordHash.Should().Be("stronger-hash-of-the-same-password");
        user.SecurityStamp.Should().Be(before);
    }

    [Fact]
    public void ChangingTheRoleRotatesTheSecurityStamp()
    {
        var user = NewUser(UserRole.Admin);
        var before = user.SecurityStamp;

        user.ChangeRole(UserRole.User);

        user.Role.Should().Be(UserRole.User);
        user.SecurityStamp.Should().NotBe(before);
    }

    [Fact]
    public void GivingTheSameRoleAgainChangesNothing()
    {
        var user = NewUser(UserRole.Admin);
        var before = user.SecurityStamp;

        user.ChangeRole(UserRole.Admin);

        user.SecurityStamp.Should().Be(before);
    }

    [Fact]
    public void RejectsChangingToAnUndefinedRole()
    {
        var user = NewUser();

        var changing = () => user.ChangeRole((UserRole)42);

        changing.Should().Throw<DomainException>().WithMessage("*role*");
        user.Role.Should().Be(UserRole.User);
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
