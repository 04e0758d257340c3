using AbParts.Domain.Common;
using AbParts.Domain.Parts;

namespace AbParts.Domain.UnitTests;

public sealed class PartNumberTests
{
    [Fact]
    public void TrimsThePartNumber()
    {
        var number = PartNumber.Create("  PN-001  ");

        number.Value.Should().Be("PN-001");
    }

    [Fact]
    public void KeepsTheCaseAsWritten()
    {
        var lower = PartNumber.Create("pn-001");

        var upper = PartNumber.Create("PN-001");

        lower.Should().NotBe(upper);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void RejectsAnEmptyPartNumber(string? raw)
    {
        var creating = () => PartNumber.Create(raw);

        creating.Should().Throw<DomainException>().WithMessage("*must not be empty*");
    }

    [Fact]
    public void AcceptsTheMaximumLength()
    {
        var raw = new string('9', PartNumber.MaxLength);

        var number = PartNumber.Create(raw);

        number.Value.Should().HaveLength(PartNumber.MaxLength);
    }

    [Fact]
    public void RejectsAPartNumberLongerThanTheMaximum()
    {
        var raw = new string('9', PartNumber.MaxLength + 1);

        var creating = () => PartNumber.Create(raw);

        creating.Should().Throw<DomainException>().WithMessage($"*at most {PartNumber.MaxLength}*");
    }

    [Theory]
    [InlineData("PN\n001")]
    [InlineData("PN\r001")]
    [InlineData("PN\t001")]
    public void RejectsAPartNumberOnMoreThanOneLine(string raw)
    {
        var creating = () => PartNumber.Create(raw);

        creating.Should().Throw<DomainException>().WithMessage("*one line*");
    }

    [Fact]
    public void RejectsControlCharacters()
    {
        var creating = () => PartNumber.Create("PN\u0000001");

        creating.Should().Throw<DomainException>().WithMessage("*control characters*");
    }

    [Fact]
    public void PrintsAsItsValue()
    {
        var number = PartNumber.Create("PN-001");

        var text = number.ToString();

        text.Should().Be("PN-001");
    }
}
