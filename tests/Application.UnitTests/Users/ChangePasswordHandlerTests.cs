using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using AbParts.Domain.Users;
using MediatR;
using Moq;

namespace AbParts.Application.UnitTests.Users;

/// <summary>Changing one's own password: the current one proven, both hashes made before the transaction, a concurrent change detected.</summary>
public sealed class ChangePasswordHandlerTests
{
    private const string Current = "correct horse";

    private readonly User _user = Fakes.User("alice", Fakes.Organization(), UserRole.User, Current);
    private readonly InMemoryRepository<User> _users;
    private readonly Mock<IPasswordHasher> _hasher = Fakes.PasswordHasher();
    private readonly CountingUnitOfWork _unitOfWork = new();

    public ChangePasswordHandlerTests() => _users = new(_user);

    private Task<Unit> ChangeAsync(string current, string replacement) =>
        new ChangePasswordHandler(_users, Fakes.CurrentUser(new Caller(_user.Id, _user.OrganizationId, _user.Role)),
                _hasher.Object, _unitOfWork)
            .Handle(new ChangePasswordCommand(current, replacement), CancellationToken.None);

    [Fact]
    public async Task StoresTheNewHashAndANewStampInsideTheTransaction()
    {
        var stamp = _user.SecurityStamp;

        await ChangeAsync(Current, "battery staple");

        _user.PasswordHash.Should().Be("hashed:battery staple");
        _user.SecurityStamp.Should().NotBe(stamp);
        _unitOfWork.SavesInTransaction.Should().Be(1);
        _unitOfWork.Commits.Should().Be(1);
    }

    [Fact]
    public async Task RefusesAWrongCurrentPasswordOnTheCurrentPasswordField()
    {
        var stamp = _user.SecurityStamp;

        var changing = () => ChangeAsync("wrong horse", "battery staple");

        (await changing.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("current_password");
        _user.PasswordHash.Should().Be("hashed:" + Current);
        _user.SecurityStamp.Should().Be(stamp);
        _unitOfWork.SaveCount.Should().Be(0);
        _hasher.Verify(h => h.Hash(It.IsAny<string>()), Times.Never);
    }

    [Fact]
    public async Task RefusesWhenThePasswordChangedWhileTheHashesWereMade()
    {
        _users.WhileLocking = user => user.ChangePasswordHash("hashed:changed by another request");

        var changing = () => ChangeAsync(Current, "battery staple");

        await changing.Should().ThrowAsync<ConflictException>();
        _user.PasswordHash.Should().Be("hashed:changed by another request");
        _unitOfWork.SaveCount.Should().Be(0);
    }
}
