using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Organizations;

namespace AbParts.Domain.UnitTests;

public sealed class OrganizationTests
{
    [Fact]
    public void CreatesAnOrganizationWithATrimmedName()
    {
        var organization = Organization.Create("  Acme Parts  ", TestData.Now);

        organization.Name.Should().Be("Acme Parts");
    }

    [Fact]
    public void KeepsTheCreationTime()
    {
        var organization = Organization.Create("Acme", TestData.Now);

        organization.CreatedAt.Should().Be(TestData.Now);
    }

    [Fact]
    public void GivesEachOrganizationANewId()
    {
        var first = Organization.Create("Acme", TestData.Now);

        var second = Organization.Create("Acme", TestData.Now);

        first.Id.Value.Should().NotBe(Guid.Empty);
        second.Id.Should().NotBe(first.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void RejectsAnEmptyName(string? name)
    {
        var creating = () => Organization.Create(name!, TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage("*must not be empty*");
    }

    [Fact]
    public void AcceptsANameOfTheMaximumLength()
    {
        var name = new string('a', Organization.NameMaxLength);

        var organization = Organization.Create(name, TestData.Now);

        organization.Name.Should().HaveLength(Organization.NameMaxLength);
    }

    [Fact]
    public void RejectsANameLongerThanTheMaximum()
    {
        var name = new string('a', Organization.NameMaxLength + 1);

        var creating = () => Organization.Create(name, TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage($"*at most {Organization.NameMaxLength}*");
    }

    [Theory]
    [InlineData("Acme\0Parts")]
    [InlineData("Acme\u0007Parts")]
    [InlineData("Acme\u001bParts")]
    public void RejectsControlCharactersInTheName(string name)
    {
        var creating = () => Organization.Create(name, TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage("*control characters*");
    }

    [Fact]
    public void StartsWithoutALogo()
    {
        var organization = Organization.Create("Acme", TestData.Now);

        organization.LogoImageId.Should().BeNull();
    }

    [Fact]
    public void ReplaceLogoReturnsThePreviousLogo()
    {
        var organization = Organization.Create("Acme", TestData.Now);
        var first = ImageAssetId.New();
        var second = ImageAssetId.New();
        organization.ReplaceLogo(first);

        var previous = organization.ReplaceLogo(second);

        previous.Should().Be(first);
        organization.LogoImageId.Should().Be(second);
    }
}
