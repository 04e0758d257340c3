using System.Security.Cryptography;
using AbParts.Domain.Common;
using AbParts.Domain.Images;

namespace AbParts.Domain.UnitTests;

public sealed class ContentHashTests
{
    [Fact]
    public void OfIsTheLowerCaseHexSha256OfTheBytes()
    {
        var bytes = TestData.Bytes(1000);
        var expected = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

        var hash = ContentHash.Of(bytes);

        hash.Value.Should().Be(expected);
    }

    [Fact]
    public void OfTheEmptyInputIsTheWellKnownSha256()
    {
        var hash = ContentHash.Of([]);

        hash.Value.Should().Be("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    [Fact]
    public void OfHasSixtyFourCharacters()
    {
        var hash = ContentHash.Of(TestData.Bytes(1));

        hash.Value.Should().HaveLength(ContentHash.Length).And.MatchRegex("^[0-9a-f]{64}$");
    }

    [Fact]
    public void ParseAcceptsWhatOfProduces()
    {
        var hash = ContentHash.Of(TestData.Bytes(50));

        var parsed = ContentHash.Parse(hash.Value);

        parsed.Should().Be(hash);
    }

    [Fact]
    public void ParseRefusesUpperCase()
    {
        var upper = ContentHash.Of(TestData.Bytes(50)).Value.ToUpperInvariant();

        var parsing = () => ContentHash.Parse(upper);

        parsing.Should().Throw<DomainException>().WithMessage("*64 lower-case hex digits*");
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555")]
    public void ParseRefusesTheWrongLength(string hex)
    {
        var parsing = () => ContentHash.Parse(hex);

        parsing.Should().Throw<DomainException>();
    }

    [Theory]
    [InlineData("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85 ")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8-5")]
    public void ParseRefusesNonHexCharacters(string hex)
    {
        var parsing = () => ContentHash.Parse(hex);

        parsing.Should().Throw<DomainException>();
    }

    [Fact]
    public void ParseRefusesNull()
    {
        var parsing = () => ContentHash.Parse(null!);

        parsing.Should().Throw<DomainException>();
    }

    [Fact]
    public void PrintsAsItsValue()
    {
        var hash = ContentHash.Of(TestData.Bytes(5));

        var text = hash.ToString();

        text.Should().Be(hash.Value);
    }
}
