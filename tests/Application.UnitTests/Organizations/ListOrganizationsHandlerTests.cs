using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Organizations;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Organizations;

namespace AbParts.Application.UnitTests.Organizations;

public sealed class ListOrganizationsHandlerTests
{
    private readonly InMemoryRepository<Organization> _organizations =
        new(Fakes.Organization("Echo"), Fakes.Organization("Alpha"), Fakes.Organization("Delta"),
            Fakes.Organization("Charlie"), Fakes.Organization("Bravo"));

    private ListOrganizationsHandler Handler(Caller? caller) =>
        new(_organizations, Fakes.CurrentUser(caller), TestMapper.Instance, Fakes.ImageVersions(caller));

    private Organization Named(string name) => _organizations.Items.Single(o => o.Name == name);

    [Fact]
    public async Task ASuperAdminGetsAPageOfAllOrganizationsByName()
    {
        var handler = Handler(Fakes.SuperAdmin(Named("Alpha")));

        var page = await handler.Handle(new ListOrganizationsQuery(Page: 2, PageSize: 2), CancellationToken.None);

        page.Items.Select(o => o.Name).Should().Equal("Charlie", "Delta");
        page.Page.Should().Be(2);
        page.PageSize.Should().Be(2);
    }

    [Fact]
    public async Task TheTotalCountIgnoresPaging()
    {
        var handler = Handler(Fakes.SuperAdmin(Named("Alpha")));

        var page = await handler.Handle(new ListOrganizationsQuery(Page: 1, PageSize: 2), CancellationToken.None);

        page.TotalCount.Should().Be(5);
        page.TotalPages.Should().Be(3);
    }

    [Fact]
    public async Task TheLastPageHoldsTheRemainder()
    {
        var handler = Handler(Fakes.SuperAdmin(Named("Alpha")));

        var page = await handler.Handle(new ListOrganizationsQuery(Page: 3, PageSize: 2), CancellationToken.None);

        page.Items.Select(o => o.Name).Should().Equal("Echo");
    }

    [Fact]
    public async Task AUserGetsOnlyTheirOwnOrganization()
    {
        var own = Named("Delta");
        var handler = Handler(Fakes.MemberOf(own));

        var page = await handler.Handle(new ListOrganizationsQuery(), CancellationToken.None);

        page.Items.Should().ContainSingle().Which.Id.Should().Be(own.Id.Value);
        page.TotalCount.Should().Be(1);
    }

    [Fact]
    public async Task AnAnonymousCallerIsForbidden()
    {
        var handler = Handler(null);

        var listing = () => handler.Handle(new ListOrganizationsQuery(), CancellationToken.None);

        await listing.Should().ThrowAsync<ForbiddenAccessException>();
    }
}
