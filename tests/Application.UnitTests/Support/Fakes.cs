using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using Moq;

namespace AbParts.Application.UnitTests.Support;

/// <summary>Fixed values and small factories for the ports the handlers need.</summary>
public static class Fakes
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    public static IClock Clock()
    {
        var clock = new Mock<IClock>();
        clock.SetupGet(c => c.UtcNow).Returns(Now);
        return clock.Object;
    }

    /// <summary>A hasher whose hash of "p" is "hashed:p" and which accepts exactly that pairing.</summary>
    public static Mock<IPasswordHasher> PasswordHasher()
    {
        var hasher = new Mock<IPasswordHasher>();
        hasher.Setup(h => h.Hash(It.IsAny<string>())).Returns<string>(password => "hashed:" + password);
        hasher.Setup(h => h.Verify(It.IsAny<string>(), It.IsAny<string>()))
            .Returns<string, string>((hash, password) =>
                hash == "hashed:" + password ? PasswordCheck.Success : PasswordCheck.Failed);
        return hasher;
    }

    public static ICurrentUser CurrentUser(Caller? caller)
    {
        var current = new Mock<ICurrentUser>();
        current.SetupGet(c => c.Caller).Returns(caller);
        return current.Object;
    }

    /// <summary>Image versions as <paramref name="caller"/> may read them, over <paramref name="images"/>.</summary>
    public static ImageVersions ImageVersions(Caller? caller, params ImageAsset[] images) =>
        new(new InMemoryRepository<ImageAsset>(images), CurrentUser(caller));

    public static Caller SuperAdmin(Organization organization) =>
        new(UserId.New(), organization.Id, UserRole.SuperAdmin);

    public static Caller MemberOf(Organization organization, UserRole role = UserRole.User) =>
        new(UserId.New(), organization.Id, role);

    public static Organization Organization(string name = "Acme") =>
        Domain.Organizations.Organization.Create(name, Now);

    public static User User(string username, Organization organization, UserRole role = UserRole.User,
        string password = "correct horse") =>
        Domain.Users.User.Create(Username.Create(username), "hashed:" + password, role, organization.Id, Now);

    public static Part Part(string number, string name = "Oil filter") =>
        Domain.Parts.Part.Create(PartNumber.Create(number), name, null, Now);

    /// <summary>A stored image's row (its bytes are not stored anywhere); <paramref name="content"/> sets its version.</summary>
    public static ImageAsset Image(byte content = 1) =>
        ImageAsset.Create([content, 2, 3], new ImageMetadata(10, 10), StorageBackend.Postgres, Now);
}
