using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.Application.UnitTests.Users;

/// <summary>
/// Changing a user's role: super admins only, never on themselves, with the caller's role read again under the
/// row locks, which are taken on both users in one order before anything is read.
/// </summary>
public sealed class ChangeUserRoleHandlerTests
{
    private readonly Organization _organization = Fakes.Organization();
    private readonly User _superAdmin;
    private readonly User _target;
    private readonly InMemoryRepository<User> _users;
    private readonly CountingUnitOfWork _unitOfWork = new();

    public ChangeUserRoleHandlerTests()
    {
        _superAdmin = Fakes.User("root", _organization, UserRole.SuperAdmin);
        _target = Fakes.User("alice", _organization, UserRole.Admin);
        _users = new(_superAdmin, _target);
    }

    private ChangeUserRoleHandler Handler(User caller)
    {
        var acting = new Caller(caller.Id, caller.OrganizationId, caller.Role);
        return new(new UserAdministration(_users, Fakes.CurrentUser(acting)), _unitOfWork, TestMapper.Instance,
            Fakes.ImageVersions(acting));
    }

    private Task<UserDto> ChangeAsync(User caller, Guid target, string role) =>
        Handler(caller).Handle(new ChangeUserRoleCommand(target, role), CancellationToken.None);

    [Fact]
    public async Task GivesTheUserTheNewRoleAndANewStamp()
    {
        var stamp = _target.SecurityStamp;

        var changed = await ChangeAsync(_superAdmin, _target.Id.Value, "user");

        changed.Role.Should().Be("user");
        _target.Role.Should().Be(UserRole.User);
        _target.SecurityStamp.Should().NotBe(stamp);
        _unitOfWork.SaveCount.Should().Be(1);
    }

    [Fact]
    public async Task LocksTheCallerAndTheTargetInOneOrderBeforeReadingEither()
    {
        await ChangeAsync(_superAdmin, _target.Id.Value, "user");

        _users.Locks.Select(l => l.Id).Should().Equal(new[] { _superAdmin.Id.Value, _target.Id.Value }.Order());
        _users.Locks.Should().OnlyContain(l => l.ReadsBefore == 0);
    }

    [Fact]
    public async Task RefusesASuperAdminChangingTheirOwnRole()
    {
        var changing = () => ChangeAsync(_superAdmin, _superAdmin.Id.Value, "user");

        await changing.Should().ThrowAsync<ForbiddenAccessException>().WithMessage("*another super admin*");
        _superAdmin.Role.Should().Be(UserRole.SuperAdmin);
        _users.Locks.Should().BeEmpty();
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task RefusesACallerWhoseSuperAdminRoleWasTakenAwayMeanwhile()
    {
        var other = Fakes.User("other", _organization, UserRole.SuperAdmin);
        _users.Add(other);
        var caller = new Caller(other.Id, other.OrganizationId, UserRole.SuperAdmin);
        _users.WhileLocking = user =>
        {
            if (user == other)
            {
                user.ChangeRole(UserRole.User); // another super admin's change committed while this request waited
            }
        };
        var handler = new ChangeUserRoleHandler(new UserAdministration(_users, Fakes.CurrentUser(caller)), _unitOfWork,
            TestMapper.Instance, Fakes.ImageVersions(caller));

        var changing = () => handler.Handle(new ChangeUserRoleCommand(_target.Id.Value, "super_admin"), CancellationToken.None);

        await changing.Should().ThrowAsync<ForbiddenAccessException>();
        _target.Role.Should().Be(UserRole.Admin);
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task AnswersNotFoundForAUserThatDoesNotExist()
    {
        var changing = () => ChangeAsync(_superAdmin, Guid.NewGuid(), "user");

        await changing.Should().ThrowAsync<NotFoundException>();
        _unitOfWork.SaveCount.Should().Be(0);
    }
}
