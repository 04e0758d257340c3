using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.Application.UnitTests.Users;

public sealed class GetUserHandlerTests
{
    private readonly Organization _own = Fakes.Organization("Own");
    private readonly Organization _other = Fakes.Organization("Other");
    private readonly User _colleague;
    private readonly User _stranger;
    private readonly InMemoryRepository<User> _users;

    public GetUserHandlerTests()
    {
        _colleague = Fakes.User("colleague", _own, UserRole.Admin);
        _stranger = Fakes.User("stranger", _other);
        _users = new(_colleague, _stranger);
    }

    private GetUserHandler Handler(Caller? caller) => new(_users, Fakes.CurrentUser(caller), TestMapper.Instance,
        Fakes.ImageVersions(caller));

    [Fact]
    public async Task ASuperAdminSeesAUserOfAnyOrganization()
    {
        var handler = Handler(Fakes.SuperAdmin(_own));

        var dto = await handler.Handle(new GetUserQuery(_stranger.Id.Value), CancellationToken.None);

        dto.Username.Should().Be("stranger");
        dto.OrganizationId.Should().Be(_other.Id.Value);
    }

    [Fact]
    public async Task AUserSeesAUserOfTheirOwnOrganization()
    {
        var handler = Handler(Fakes.MemberOf(_own));

        var dto = await handler.Handle(new GetUserQuery(_colleague.Id.Value), CancellationToken.None);

        dto.Should().Be(new UserDto(_colleague.Id.Value, "colleague", "admin", _own.Id.Value, Fakes.Now));
    }

    [Fact]
    public async Task AUserOfAnotherOrganizationIsNotFound()
    {
        var handler = Handler(Fakes.MemberOf(_own, UserRole.Admin));

        var getting = () => handler.Handle(new GetUserQuery(_stranger.Id.Value), CancellationToken.None);

        await getting.Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task AnAnonymousCallerSeesNoUser()
    {
        var handler = Handler(null);

        var getting = () => handler.Handle(new GetUserQuery(_colleague.Id.Value), CancellationToken.None);

        await getting.Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task AMissingUserIsNotFound()
    {
        var handler = Handler(Fakes.SuperAdmin(_own));

        var getting = () => handler.Handle(new GetUserQuery(Guid.NewGuid()), CancellationToken.None);

        await getting.Should().ThrowAsync<NotFoundException>();
    }
}
