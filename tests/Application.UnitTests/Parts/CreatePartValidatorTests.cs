using AbParts.Application.Parts;
using AbParts.Domain.Parts;

namespace AbParts.Application.UnitTests.Parts;

public sealed class CreatePartValidatorTests
{
    private static readonly CreatePartCommand Valid = new("PN-001", "Oil filter", "Fits model X");

    private readonly CreatePartValidator _validator = new();

    private IEnumerable<string> InvalidProperties(CreatePartCommand command) =>
        _validator.Validate(command).Errors.Select(e => e.PropertyName).Distinct();

    [Fact]
    public void AcceptsAValidCommand()
    {
        var result = _validator.Validate(Valid);

        result.IsValid.Should().BeTrue();
    }

    [Fact]
    public void AcceptsAMissingDescription()
    {
        var command = Valid with { Description = null };

        var result = _validator.Validate(command);

        result.IsValid.Should().BeTrue();
    }

    [Fact]
    public void RejectsAMissingPartNumberWithoutThrowing()
    {
        var command = Valid with { PartNumber = null! };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreatePartCommand.PartNumber));
    }

    [Fact]
    public void RejectsAMissingNameWithoutThrowing()
    {
        var command = Valid with { Name = null! };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreatePartCommand.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void RejectsAnEmptyPartNumber(string partNumber)
    {
        var command = Valid with { PartNumber = partNumber };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreatePartCommand.PartNumber));
    }

    [Fact]
    public void RejectsAPartNumberLongerThanTheDomainAllows()
    {
        var command = Valid with { PartNumber = new string('9', PartNumber.MaxLength + 1) };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreatePartCommand.PartNumber));
    }

    [Theory]
    [InlineData("PN\n001")]
    [InlineData("PN\t001")]
    [InlineData("PN\u0000001")]
    public void RejectsAPartNumberWithControlCharacters(string partNumber)
    {
        var command = Valid with { PartNumber = partNumber };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreatePartCommand.PartNumber));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void RejectsABlankName(string name)
    {
        var command = Valid with { Name = name };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreatePartCommand.Name));
    }

    [Fact]
    public void RejectsANameLongerThanTheDomainAllows()
    {
        var command = Valid with { Name = new string('n', Part.NameMaxLength + 1) };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreatePartCommand.Name));
    }

    [Fact]
    public void RejectsADescriptionLongerThanTheDomainAllows()
    {
        var command = Valid with { Description = new string('d', Part.DescriptionMaxLength + 1) };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreatePartCommand.Description));
    }
}
