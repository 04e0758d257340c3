using AbParts.Domain.Common;
using AbParts.Domain.Parts;

namespace AbParts.Domain.UnitTests;

public sealed class PartTests
{
    private static readonly PartNumber Number = PartNumber.Create("PN-001");

    [Fact]
    public void CreatesAPartWithTheGivenValues()
    {
        var part = Part.Create(Number, "  Oil filter  ", "  Fits model X  ", TestData.Now);

        part.PartNumber.Should().Be(Number);
        part.Name.Should().Be("Oil filter");
        part.Description.Should().Be("Fits model X");
        part.CreatedAt.Should().Be(TestData.Now);
        part.Id.Value.Should().NotBe(Guid.Empty);
    }

    [Fact]
    public void StartsWithAnEmptyGallery()
    {
        var part = Part.Create(Number, "Oil filter", null, TestData.Now);

        part.Images.Should().BeEmpty();
        part.ImageCount.Should().Be(0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void TurnsABlankDescriptionIntoNull(string? description)
    {
        var part = Part.Create(Number, "Oil filter", description, TestData.Now);

        part.Description.Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void RejectsAnEmptyName(string name)
    {
        var creating = () => Part.Create(Number, name, null, TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage("*part name must not be empty*");
    }

    [Fact]
    public void RejectsANameLongerThanTheMaximum()
    {
        var creating = () => Part.Create(Number, new string('n', Part.NameMaxLength + 1), null, TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage($"*at most {Part.NameMaxLength}*");
    }

    [Fact]
    public void RejectsADescriptionLongerThanTheMaximum()
    {
        var description = new string('d', Part.DescriptionMaxLength + 1);

        var creating = () => Part.Create(Number, "Oil filter", description, TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage($"*at most {Part.DescriptionMaxLength}*");
    }

    [Fact]
    public void AcceptsLineBreaksInTheDescription()
    {
        var part = Part.Create(Number, "Oil filter", "Line one\nLine two", TestData.Now);

        part.Description.Should().Be("Line one\nLine two");
    }

    [Fact]
    public void RejectsAMissingPartNumber()
    {
        var creating = () => Part.Create(null!, "Oil filter", null, TestData.Now);

        creating.Should().Throw<ArgumentNullException>();
    }
}
