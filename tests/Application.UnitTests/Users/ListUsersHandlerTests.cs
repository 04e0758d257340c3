using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.Application.UnitTests.Users;

public sealed class ListUsersHandlerTests
{
    private readonly Organization _own = Fakes.Organization("Own");
    private readonly Organization _other = Fakes.Organization("Other");
    private readonly InMemoryRepository<User> _users;

    public ListUsersHandlerTests() => _users = new(
        Fakes.User("dora", _own), Fakes.User("bob", _other), Fakes.User("alice", _own),
        Fakes.User("carol", _other), Fakes.User("erin", _own));

    private ListUsersHandler Handler(Caller? caller) => new(_users, Fakes.CurrentUser(caller), TestMapper.Instance,
        Fakes.ImageVersions(caller));

    [Fact]
    public async Task ASuperAdminListsEveryUserByUsername()
    {
        var handler = Handler(Fakes.SuperAdmin(_own));

        var page = await handler.Handle(new ListUsersQuery(), CancellationToken.None);

        page.Items.Select(u => u.Username).Should().Equal("alice", "bob", "carol", "dora", "erin");
        page.TotalCount.Should().Be(5);
    }

    [Fact]
    public async Task AUserListsOnlyTheUsersOfTheirOwnOrganization()
    {
        var handler = Handler(Fakes.MemberOf(_own));

        var page = await handler.Handle(new ListUsersQuery(), CancellationToken.None);

        page.Items.Select(u => u.Username).Should().Equal("alice", "dora", "erin");
        page.Items.Should().OnlyContain(u => u.OrganizationId == _own.Id.Value);
        page.TotalCount.Should().Be(3);
    }

    [Fact]
    public async Task PagesThroughTheScopedUsersAndCountsThemAll()
    {
        var handler = Handler(Fakes.MemberOf(_own));

        var page = await handler.Handle(new ListUsersQuery(Page: 2, PageSize: 2), CancellationToken.None);

        page.Items.Select(u => u.Username).Should().Equal("erin");
        page.TotalCount.Should().Be(3);
        page.TotalPages.Should().Be(2);
    }

    [Fact]
    public async Task AnAnonymousCallerIsForbidden()
    {
        var handler = Handler(null);

        var listing = () => handler.Handle(new ListUsersQuery(), CancellationToken.None);

        await listing.Should().ThrowAsync<ForbiddenAccessException>();
    }
}
