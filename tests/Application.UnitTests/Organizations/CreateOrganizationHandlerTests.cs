using AbParts.Application.Common.Exceptions;
using AbParts.Application.Organizations;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Organizations;

namespace AbParts.Application.UnitTests.Organizations;

public sealed class CreateOrganizationHandlerTests
{
    private readonly InMemoryRepository<Organization> _organizations = new();
    private readonly CountingUnitOfWork _unitOfWork = new();

    private CreateOrganizationHandler Handler() =>
        new(_organizations, _unitOfWork, Fakes.Clock(), TestMapper.Instance);

    [Fact]
    public async Task CreatesAndSavesTheOrganization()
    {
        var command = new CreateOrganizationCommand("  Acme Parts  ");

        var dto = await Handler().Handle(command, CancellationToken.None);

        var saved = _organizations.Items.Should().ContainSingle().Subject;
        saved.Name.Should().Be("Acme Parts");
        _unitOfWork.SaveCount.Should().Be(1);
        dto.Should().Be(new OrganizationDto(saved.Id.Value, "Acme Parts", Fakes.Now));
    }

    [Fact]
    public async Task RefusesADuplicateNameAndSavesNothing()
    {
        _organizations.Add(Fakes.Organization("Acme"));

        var creating = () => Handler().Handle(new CreateOrganizationCommand(" Acme "), CancellationToken.None);

        await creating.Should().ThrowAsync<ConflictException>().WithMessage("*'Acme'*");
        _organizations.Items.Should().ContainSingle();
        _unitOfWork.SaveCount.Should().Be(0);
    }
}
