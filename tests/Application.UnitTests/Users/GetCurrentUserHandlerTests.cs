using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.Application.UnitTests.Users;

public sealed class GetCurrentUserHandlerTests
{
    private readonly Organization _organization = Fakes.Organization();

    private static GetCurrentUserHandler Handler(InMemoryRepository<User> users, Caller? caller) =>
        new(users, Fakes.CurrentUser(caller), TestMapper.Instance, Fakes.ImageVersions(caller));

    [Fact]
    public async Task AnswersTheSignedInUser()
    {
        var alice = Fakes.User("alice", _organization, UserRole.Admin);
        var handler = Handler(new(alice, Fakes.User("bob", _organization)), new Caller(alice.Id, _organization.Id, alice.Role));

        var dto = await handler.Handle(new GetCurrentUserQuery(), CancellationToken.None);

        dto.Should().Be(new UserDto(alice.Id.Value, "alice", "admin", _organization.Id.Value, Fakes.Now));
    }

    [Fact]
    public async Task AnAnonymousCallerIsRefused()
    {
        var handler = Handler(new(), null);

        var getting = () => handler.Handle(new GetCurrentUserQuery(), CancellationToken.None);

        await getting.Should().ThrowAsync<ForbiddenAccessException>();
    }
}
