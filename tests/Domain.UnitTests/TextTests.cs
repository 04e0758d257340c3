using AbParts.Domain.Common;

namespace AbParts.Domain.UnitTests;

public sealed class TextTests
{
    [Fact]
    public void RequiredTrimsTheValue()
    {
        var value = Text.Required("  hello  ", "greeting", 10);

        value.Should().Be("hello");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t\n ")]
    public void RequiredRefusesAnEmptyValue(string? raw)
    {
        var checking = () => Text.Required(raw, "greeting", 10);

        checking.Should().Throw<DomainException>().WithMessage("The greeting must not be empty.");
    }

    [Fact]
    public void RequiredAcceptsTheMaximumLength()
    {
        var value = Text.Required(new string('x', 10), "greeting", 10);

        value.Should().HaveLength(10);
    }

    [Fact]
    public void RequiredMeasuresTheLengthAfterTrimming()
    {
        var value = Text.Required("   " + new string('x', 10) + "   ", "greeting", 10);

        value.Should().HaveLength(10);
    }

    [Fact]
    public void RequiredRefusesAValueLongerThanTheMaximum()
    {
        var checking = () => Text.Required(new string('x', 11), "greeting", 10);

        checking.Should().Throw<DomainException>().WithMessage("The greeting must be at most 10 characters long.");
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("a\u0001b")]
    [InlineData("a\u007fb")]
    [InlineData("a\u0085b")]
    public void RequiredRefusesControlCharacters(string raw)
    {
        var checking = () => Text.Required(raw, "greeting", 10);

        checking.Should().Throw<DomainException>().WithMessage("The greeting must not contain control characters.");
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\r\nb")]
    [InlineData("a\tb")]
    public void RequiredAllowsLineBreaksAndTabs(string raw)
    {
        var value = Text.Required(raw, "greeting", 10);

        value.Should().Be(raw);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void OptionalTurnsAnEmptyValueIntoNull(string? raw)
    {
        var value = Text.Optional(raw, "note", 10);

        value.Should().BeNull();
    }

    [Fact]
    public void OptionalTrimsTheValue()
    {
        var value = Text.Optional("  note  ", "note", 10);

        value.Should().Be("note");
    }

    [Fact]
    public void OptionalRefusesAValueLongerThanTheMaximum()
    {
        var checking = () => Text.Optional(new string('x', 11), "note", 10);

        checking.Should().Throw<DomainException>().WithMessage("The note must be at most 10 characters long.");
    }

    [Fact]
    public void OptionalRefusesControlCharacters()
    {
        var checking = () => Text.Optional("a\0b", "note", 10);

        checking.Should().Throw<DomainException>().WithMessage("The note must not contain control characters.");
    }
}
