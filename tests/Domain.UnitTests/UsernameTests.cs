using AbParts.Domain.Common;
using AbParts.Domain.Users;

namespace AbParts.Domain.UnitTests;

public sealed class UsernameTests
{
    [Theory]
    [InlineData("Alice", "alice")]
    [InlineData("BOB.Smith", "bob.smith")]
    [InlineData("  Carol_1  ", "carol_1")]
    public void NormalisesToTrimmedLowerCase(string raw, string expected)
    {
        var username = Username.Create(raw);

        username.Value.Should().Be(expected);
    }

    [Fact]
    public void UsernamesThatDifferOnlyInCaseAreEqual()
    {
        var upper = Username.Create("ALICE");

        var lower = Username.Create("alice");

        upper.Should().Be(lower);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("a.b_c-d@e")]
    [InlineData("user@example.com")]
    [InlineData("0day")]
    public void AcceptsLettersDigitsAndTheAllowedPunctuation(string raw)
    {
        var created = Username.TryCreate(raw, out var username);

        created.Should().BeTrue();
        username!.Value.Should().Be(raw);
    }

    [Theory]
    [InlineData(".abc")]
    [InlineData("_abc")]
    [InlineData("-abc")]
    [InlineData("@abc")]
    public void RejectsAUsernameThatDoesNotStartWithALetterOrDigit(string raw)
    {
        var creating = () => Username.Create(raw);

        creating.Should().Throw<DomainException>().WithMessage(Username.Rule);
    }

    [Theory]
    [InlineData("ab c")]
    [InlineData("abc!")]
    [InlineData("a/b/c")]
    [InlineData("jürgen")]
    [InlineData("ab\nc")]
    [InlineData("a\tbc")]
    public void RejectsCharactersOutsideTheAllowedSet(string raw)
    {
        var creating = () => Username.Create(raw);

        creating.Should().Throw<DomainException>();
    }

    [Fact]
    public void AcceptsTheMinimumLength()
    {
        var raw = new string('a', Username.MinLength);

        var username = Username.Create(raw);

        username.Value.Should().HaveLength(Username.MinLength);
    }

    [Fact]
    public void RejectsAUsernameShorterThanTheMinimum()
    {
        var raw = new string('a', Username.MinLength - 1);

        var creating = () => Username.Create(raw);

        creating.Should().Throw<DomainException>().WithMessage(Username.Rule);
    }

    [Fact]
    public void AcceptsTheMaximumLength()
    {
        var raw = new string('a', Username.MaxLength);

        var username = Username.Create(raw);

        username.Value.Should().HaveLength(Username.MaxLength);
    }

    [Fact]
    public void RejectsAUsernameLongerThanTheMaximum()
    {
        var raw = new string('a', Username.MaxLength + 1);

        var creating = () => Username.Create(raw);

        creating.Should().Throw<DomainException>().WithMessage(Username.Rule);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void RejectsAnEmptyUsername(string? raw)
    {
        var created = Username.TryCreate(raw, out var username);

        created.Should().BeFalse();
        username.Should().BeNull();
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("  MiXeD.Case  ")]
    [InlineData("abc")]
    [InlineData("a@b")]
    public void CreateReturnsWhatTryCreateAccepts(string raw)
    {
        Username.TryCreate(raw, out var tried);

        var created = Username.Create(raw);

        created.Should().Be(tried);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("bad name")]
    [InlineData("_leading")]
    [InlineData("")]
    [InlineData(null)]
    public void CreateThrowsWhereTryCreateRefuses(string? raw)
    {
        var accepted = Username.TryCreate(raw, out _);

        var creating = () => Username.Create(raw);

        accepted.Should().BeFalse();
        creating.Should().Throw<DomainException>().WithMessage(Username.Rule);
    }

    [Fact]
    public void PrintsAsItsValue()
    {
        var username = Username.Create("Alice");

        var text = username.ToString();

        text.Should().Be("alice");
    }
}
