using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Organizations;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.Application.UnitTests.Organizations;

public sealed class GetOrganizationHandlerTests
{
    private readonly Organization _own = Fakes.Organization("Own");
    private readonly Organization _other = Fakes.Organization("Other");
    private readonly InMemoryRepository<Organization> _organizations;

    public GetOrganizationHandlerTests() => _organizations = new(_own, _other);

    private GetOrganizationHandler Handler(Caller? caller) =>
        new(_organizations, Fakes.CurrentUser(caller), TestMapper.Instance, Fakes.ImageVersions(caller));

    [Fact]
    public async Task ASuperAdminSeesAnyOrganization()
    {
        var handler = Handler(Fakes.SuperAdmin(_own));

        var dto = await handler.Handle(new GetOrganizationQuery(_other.Id.Value), CancellationToken.None);

        dto.Id.Should().Be(_other.Id.Value);
        dto.Name.Should().Be("Other");
    }

    [Theory]
    [InlineData(UserRole.User)]
    [InlineData(UserRole.Admin)]
    public async Task AUserSeesTheirOwnOrganization(UserRole role)
    {
        var handler = Handler(Fakes.MemberOf(_own, role));

        var dto = await handler.Handle(new GetOrganizationQuery(_own.Id.Value), CancellationToken.None);

        dto.Should().Be(new OrganizationDto(_own.Id.Value, "Own", Fakes.Now));
    }

    [Theory]
    [InlineData(UserRole.User)]
    [InlineData(UserRole.Admin)]
    public async Task AnotherOrganizationIsNotFoundForAUser(UserRole role)
    {
        var handler = Handler(Fakes.MemberOf(_own, role));

        var getting = () => handler.Handle(new GetOrganizationQuery(_other.Id.Value), CancellationToken.None);

        await getting.Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task AnAnonymousCallerSeesNoOrganization()
    {
        var handler = Handler(null);

        var getting = () => handler.Handle(new GetOrganizationQuery(_own.Id.Value), CancellationToken.None);

        await getting.Should().ThrowAsync<NotFoundException>();
    }

    [Fact]
    public async Task AMissingOrganizationIsNotFoundEvenForASuperAdmin()
    {
        var handler = Handler(Fakes.SuperAdmin(_own));

        var getting = () => handler.Handle(new GetOrganizationQuery(Guid.NewGuid()), CancellationToken.None);

        await getting.Should().ThrowAsync<NotFoundException>();
    }
}
