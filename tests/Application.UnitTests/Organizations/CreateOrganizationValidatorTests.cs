using AbParts.Application.Organizations;
using AbParts.Domain.Organizations;

namespace AbParts.Application.UnitTests.Organizations;

public sealed class CreateOrganizationValidatorTests
{
    private readonly CreateOrganizationValidator _validator = new();

    [Fact]
    public void AcceptsAName()
    {
        var result = _validator.Validate(new CreateOrganizationCommand("Acme Mining"));

        result.IsValid.Should().BeTrue();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void RejectsAMissingOrBlankNameWithoutThrowing(string? name)
    {
        var result = _validator.Validate(new CreateOrganizationCommand(name!));

        result.Errors.Select(e => e.PropertyName).Distinct().Should().Equal(nameof(CreateOrganizationCommand.Name));
    }

    [Fact]
    public void RejectsANameOverTheLimit()
    {
        var result = _validator.Validate(new CreateOrganizationCommand(new string('a', Organization.NameMaxLength + 1)));

        result.IsValid.Should().BeFalse();
    }
}
