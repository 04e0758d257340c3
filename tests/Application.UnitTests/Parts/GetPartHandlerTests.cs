using AbParts.Application.Common.Exceptions;
using AbParts.Application.Parts;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Images;
using AbParts.Domain.Parts;

namespace AbParts.Application.UnitTests.Parts;

public sealed class GetPartHandlerTests
{
    [Fact]
    public async Task ReturnsThePart()
    {
        var part = Fakes.Part("PN-001");
        part.AddImage(ImageAssetId.New(), 10);
        var handler = new GetPartHandler(new InMemoryRepository<Part>(part, Fakes.Part("PN-002")), TestMapper.Instance);

        var dto = await handler.Handle(new GetPartQuery(part.Id.Value), CancellationToken.None);

        dto.Should().Be(new PartDto(part.Id.Value, "PN-001", "Oil filter", null, 1, Fakes.Now));
    }

    [Fact]
    public async Task AMissingPartIsNotFound()
    {
        var handler = new GetPartHandler(new InMemoryRepository<Part>(Fakes.Part("PN-001")), TestMapper.Instance);
        var id = Guid.NewGuid();

        var getting = () => handler.Handle(new GetPartQuery(id), CancellationToken.None);

        await getting.Should().ThrowAsync<NotFoundException>().WithMessage($"*{id}*");
    }
}
