using AbParts.Application.Parts;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Parts;

namespace AbParts.Application.UnitTests.Parts;

public sealed class ListPartsHandlerTests
{
    private readonly ListPartsHandler _handler = new(
        new InMemoryRepository<Part>(Fakes.Part("PN-004"), Fakes.Part("PN-001"), Fakes.Part("PN-005"),
            Fakes.Part("PN-003"), Fakes.Part("PN-002")),
        TestMapper.Instance, Fakes.ImageVersions(null));

    [Fact]
    public async Task ListsTheFirstPageByPartNumber()
    {
        var page = await _handler.Handle(new ListPartsQuery(Page: 1, PageSize: 2), CancellationToken.None);

        page.Items.Select(p => p.PartNumber).Should().Equal("PN-001", "PN-002");
    }

    [Fact]
    public async Task ListsALaterPage()
    {
        var page = await _handler.Handle(new ListPartsQuery(Page: 2, PageSize: 2), CancellationToken.None);

        page.Items.Select(p => p.PartNumber).Should().Equal("PN-003", "PN-004");
        page.Page.Should().Be(2);
        page.PageSize.Should().Be(2);
    }

    [Fact]
    public async Task CountsEveryPartWhateverThePage()
    {
        var page = await _handler.Handle(new ListPartsQuery(Page: 3, PageSize: 2), CancellationToken.None);

        page.Items.Select(p => p.PartNumber).Should().Equal("PN-005");
        page.TotalCount.Should().Be(5);
        page.TotalPages.Should().Be(3);
    }

    [Fact]
    public async Task APageBeyondTheEndIsEmptyButKeepsTheTotal()
    {
        var page = await _handler.Handle(new ListPartsQuery(Page: 4, PageSize: 2), CancellationToken.None);

        page.Items.Should().BeEmpty();
        page.TotalCount.Should().Be(5);
    }
}
