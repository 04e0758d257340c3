using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.Application.UnitTests.Images;

/// <summary>Reading an image follows reading its owner; a signed URL reads the version it names and no other.</summary>
public sealed class ImageAccessTests
{
    private const string Version = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly Caller Member = new(UserId.New(), OrganizationId.New(), UserRole.User);

    private static ImageAccess Access(MediaAudience audience, bool fixedForItsId = false) => new(audience, Version, fixedForItsId);

    [Fact]
    public void MembersOfTheOrganizationAndSuperAdminsReadItsImagesAndNobodyElseDoes()
    {
        var access = Access(MediaAudience.MembersOf(Member.OrganizationId));

        var member = access.Allows(Fakes.CurrentUser(Member), null);
        var admin = access.Allows(Fakes.CurrentUser(Member with { UserId = UserId.New(), Role = UserRole.Admin }), null);
        var superAdmin = access.Allows(Fakes.CurrentUser(ChatFakes.SuperAdmin()), null);
        var outsider = access.Allows(Fakes.CurrentUser(ChatFakes.Admin()), null);
        var anonymous = access.Allows(Fakes.CurrentUser(null), null);

        (member, admin, superAdmin, outsider, anonymous).Should().Be((true, true, true, false, false));
    }

    [Fact]
    public void EverySignedInUserReadsTheSharedCatalogue()
    {
        var access = Access(MediaAudience.SignedInUsers);

        var user = access.Allows(Fakes.CurrentUser(ChatFakes.User()), null);
        var anonymous = access.Allows(Fakes.CurrentUser(null), null);

        (user, anonymous).Should().Be((true, false));
    }

    [Fact]
    public void AChatFilesImagesAreReadByItsOwnerAndSuperAdminsOnly()
    {
        var access = Access(MediaAudience.OwnedBy(Member.UserId), fixedForItsId: true);

        var owner = access.Allows(Fakes.CurrentUser(Member), null);
        var colleague = access.Allows(Fakes.CurrentUser(Member with { UserId = UserId.New() }), null);
        var superAdmin = access.Allows(Fakes.CurrentUser(ChatFakes.SuperAdmin()), null);

        (owner, colleague, superAdmin).Should().Be((true, false, true));
    }

    [Fact]
    public void ASignedUrlReadsTheVersionItNamesWhoeverTheAudience()
    {
        var access = Access(MediaAudience.MembersOf(OrganizationId.New()));

        var named = access.Allows(ChatFakes.SignedUrl(), Version[..ImageAccess.MinVersionLength]);
        var whole = access.Allows(ChatFakes.SignedUrl(), Version);

        (named, whole).Should().Be((true, true));
    }

    [Theory]
    [InlineData("fedcba9876543210")]
    [InlineData("0123456789abcde")]
    [InlineData("")]
    [InlineData(null)]
    public void ASignedUrlNamingAnotherVersionOrNoneReadsNothingThatCanBeReplaced(string? urlVersion)
    {
        var access = Access(MediaAudience.SignedInUsers);

        var allowed = access.Allows(ChatFakes.SignedUrl(), urlVersion);

        allowed.Should().BeFalse();
    }

    [Fact]
    public void ASignedUrlWithoutAVersionReadsAnImageFixedForItsId()
    {
        var access = Access(MediaAudience.OwnedBy(UserId.New()), fixedForItsId: true);

        var allowed = access.Allows(ChatFakes.SignedUrl(), null);

        allowed.Should().BeTrue();
    }

    [Fact]
    public void ABearerRequestNamingAnOldVersionIsServedButNotPinned()
    {
        var access = Access(MediaAudience.SignedInUsers);

        var allowed = access.Allows(Fakes.CurrentUser(ChatFakes.User()), "fedcba9876543210");
        var pinned = access.IsPinnedBy("fedcba9876543210");

        (allowed, pinned, access.IsPinnedBy(Version[..16])).Should().Be((true, false, true));
    }
}
