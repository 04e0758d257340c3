using AbParts.Application.Common.Models;

namespace AbParts.Application.UnitTests.Common;

public sealed class PagedListTests
{
    [Fact]
    public void HasNoPagesWhenEmpty()
    {
        var page = new PagedList<int>([], 1, 20, 0);

        page.TotalPages.Should().Be(0);
    }

    [Theory]
    [InlineData(1, 20, 1)]
    [InlineData(20, 20, 1)]
    [InlineData(21, 20, 2)]
    [InlineData(100, 7, 15)]
    public void CountsAPartialPageAsAPage(int totalCount, int pageSize, int expected)
    {
        var page = new PagedList<int>([], 1, pageSize, totalCount);

        page.TotalPages.Should().Be(expected);
    }
}
