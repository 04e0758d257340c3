using AbParts.Application.Common.Exceptions;
using AbParts.Application.Parts;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Parts;

namespace AbParts.Application.UnitTests.Parts;

public sealed class CreatePartHandlerTests
{
    private readonly InMemoryRepository<Part> _parts = new();
    private readonly CountingUnitOfWork _unitOfWork = new();

    private CreatePartHandler Handler() => new(_parts, _unitOfWork, Fakes.Clock(), TestMapper.Instance);

    [Fact]
    public async Task CreatesAndSavesThePart()
    {
        var command = new CreatePartCommand(" PN-001 ", "Oil filter", "Fits model X");

        var dto = await Handler().Handle(command, CancellationToken.None);

        var saved = _parts.Items.Should().ContainSingle().Subject;
        _unitOfWork.SaveCount.Should().Be(1);
        dto.Should().BeEquivalentTo(new PartDto(saved.Id.Value, "PN-001", "Oil filter", "Fits model X", 0, Fakes.Now, []));
    }

    [Fact]
    public async Task RefusesADuplicatePartNumberAndSavesNothing()
    {
        _parts.Add(Fakes.Part("PN-001"));

        var creating = () => Handler().Handle(new CreatePartCommand("PN-001", "Other"), CancellationToken.None);

        await creating.Should().ThrowAsync<ConflictException>().WithMessage("*'PN-001'*");
        _parts.Items.Should().ContainSingle();
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task TreatsPartNumbersThatDifferInCaseAsDifferent()
    {
        _parts.Add(Fakes.Part("pn-001"));

        await Handler().Handle(new CreatePartCommand("PN-001", "Other"), CancellationToken.None);

        _parts.Items.Should().HaveCount(2);
    }
}
