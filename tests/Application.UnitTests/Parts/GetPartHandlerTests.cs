using AbParts.Application.Common.Exceptions;
using AbParts.Application.Parts;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Parts;

namespace AbParts.Application.UnitTests.Parts;

public sealed class GetPartHandlerTests
{
    [Fact]
    public async Task ReturnsThePart()
    {
        var part = Fakes.Part("PN-001");
        var image = Fakes.Image();
        part.AddImage(image.Id, 10);
        var handler = new GetPartHandler(new InMemoryRepository<Part>(part, Fakes.Part("PN-002")), TestMapper.Instance,
            Fakes.ImageVersions(ChatFakes.User(), image));

        var dto = await handler.Handle(new GetPartQuery(part.Id.Value), CancellationToken.None);

        dto.Should().BeEquivalentTo(new PartDto(part.Id.Value, "PN-001", "Oil filter", null, 1, Fakes.Now,
            [new PartImageVersion(0, image.Sha256.Value)]));
    }

    [Fact]
    public async Task AMissingPartIsNotFound()
    {
        var handler = new GetPartHandler(new InMemoryRepository<Part>(Fakes.Part("PN-001")), TestMapper.Instance,
            Fakes.ImageVersions(ChatFakes.User()));
        var id = Guid.NewGuid();

        var getting = () => handler.Handle(new GetPartQuery(id), CancellationToken.None);

        await getting.Should().ThrowAsync<NotFoundException>().WithMessage($"*{id}*");
    }
}
