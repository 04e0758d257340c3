using AbParts.Application.Auth;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using Moq;

namespace AbParts.Application.UnitTests.Auth;

public sealed class IssueTokenHandlerTests
{
    private const string Password = "correct horse";

    private readonly Organization _organization = Fakes.Organization();
    private readonly User _user;
    private readonly InMemoryRepository<User> _users;
    private readonly Mock<IPasswordHasher> _hasher = Fakes.PasswordHasher();
    private readonly Mock<IAccessTokenIssuer> _issuer = new();
    private readonly CountingUnitOfWork _unitOfWork = new();

    public IssueTokenHandlerTests()
    {
        _user = Fakes.User("alice", _organization, UserRole.Admin, Password);
        _users = new(_user);
        _issuer.Setup(i => i.Issue(It.IsAny<User>()))
            .Returns(new AccessToken("signed.jwt.value", TimeSpan.FromMinutes(30)));
    }

    private IssueTokenHandler Handler() => new(_users, _hasher.Object, _issuer.Object, _unitOfWork);

    [Fact]
    public async Task ReturnsTheIssuersTokenAsABearerToken()
    {
        var command = new IssueTokenCommand("alice", Password);

        var token = await Handler().Handle(command, CancellationToken.None);

        token.Should().Be(new TokenDto("signed.jwt.value", "bearer", 1800));
    }

    [Fact]
    public async Task IssuesTheTokenForTheCallersIdsAndRole()
    {
        var command = new IssueTokenCommand("alice", Password);

        await Handler().Handle(command, CancellationToken.None);

        _issuer.Verify(i => i.Issue(_user), Times.Once);
    }

    [Fact]
    public async Task FindsTheUserWhateverTheCaseOfTheUsername()
    {
        var command = new IssueTokenCommand("  ALICE ", Password);

        var token = await Handler().Handle(command, CancellationToken.None);

        token.AccessToken.Should().Be("signed.jwt.value");
    }

    [Fact]
    public async Task DoesNotSaveWhenTheHashIsCurrent()
    {
        var command = new IssueTokenCommand("alice", Password);

        await Handler().Handle(command, CancellationToken.None);

        _unitOfWork.SaveCount.Should().Be(0);
        _user.PasswordHash.Should().Be("hashed:" + Password);
    }

    [Fact]
    public async Task RefusesAWrongPassword()
    {
        var command = new IssueTokenCommand("alice", "wrong password");

        var issuing = () => Handler().Handle(command, CancellationToken.None);

        await issuing.Should().ThrowAsync<AuthenticationFailedException>();
        _issuer.Verify(i => i.Issue(It.IsAny<User>()), Times.Never);
    }

    [Fact]
    public async Task RefusesAnUnknownUser()
    {
        var command = new IssueTokenCommand("mallory", Password);

        var issuing = () => Handler().Handle(command, CancellationToken.None);

        await issuing.Should().ThrowAsync<AuthenticationFailedException>();
        _issuer.Verify(i => i.Issue(It.IsAny<User>()), Times.Never);
    }

    [Fact]
    public async Task FailsTheSameWayForAnUnknownUserAndAWrongPassword()
    {
        var unknown = () => Handler().Handle(new IssueTokenCommand("mallory", Password), CancellationToken.None);
        var wrong = () => Handler().Handle(new IssueTokenCommand("alice", "wrong password"), CancellationToken.None);

        var unknownFailure = await unknown.Should().ThrowAsync<AuthenticationFailedException>();
        var wrongFailure = await wrong.Should().ThrowAsync<AuthenticationFailedException>();

        unknownFailure.Which.Message.Should().Be(wrongFailure.Which.Message);
    }

    [Fact]
    public async Task VerifiesAHashEvenForAnUnknownUser()
    {
        var command = new IssueTokenCommand("mallory", "guess");

        var issuing = () => Handler().Handle(command, CancellationToken.None);

        await issuing.Should().ThrowAsync<AuthenticationFailedException>();
        _hasher.Verify(h => h.Verify(It.IsAny<string>(), "guess"), Times.Once);
    }

    [Fact]
    public async Task VerifiesAHashEvenForAnInvalidUsername()
    {
        var command = new IssueTokenCommand("no such user!", "guess");

        var issuing = () => Handler().Handle(command, CancellationToken.None);

        await issuing.Should().ThrowAsync<AuthenticationFailedException>();
        _hasher.Verify(h => h.Verify(It.IsAny<string>(), "guess"), Times.Once);
    }

    [Fact]
    public async Task ReplacesAndSavesTheHashWhenTheHasherAsksForARehash()
    {
        _hasher.Setup(h => h.Verify("hashed:" + Password, Password)).Returns(PasswordCheck.SuccessRehashNeeded);
        _hasher.Setup(h => h.Hash(Password)).Returns("rehashed");
        var stamp = _user.SecurityStamp;

        var token = await Handler().Handle(new IssueTokenCommand("alice", Password), CancellationToken.None);

        token.AccessToken.Should().Be("signed.jwt.value");
        _user.PasswordHash.Should().Be("rehashed");
        _user.SecurityStamp.Should().Be(stamp, "the password is the same, so the tokens issued before stay good");
        _unitOfWork.SaveCount.Should().Be(1);
    }
}
