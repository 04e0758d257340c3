using AbParts.Application.Users;
using AbParts.Domain.Users;

namespace AbParts.Application.UnitTests.Users;

public sealed class CreateUserValidatorTests
{
    private static readonly CreateUserCommand Valid = new("alice", "long-enough", Guid.NewGuid(), "user");

    private readonly CreateUserValidator _validator = new();

    private IEnumerable<string> InvalidProperties(CreateUserCommand command) =>
        _validator.Validate(command).Errors.Select(e => e.PropertyName).Distinct();

    [Fact]
    public void AcceptsAValidCommand()
    {
        var result = _validator.Validate(Valid);

        result.IsValid.Should().BeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("bad name")]
    [InlineData("_alice")]
    [InlineData("alice!")]
    public void RejectsABadUsername(string username)
    {
        var command = Valid with { Username = username };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreateUserCommand.Username));
    }

    [Fact]
    public void ExplainsTheUsernameRule()
    {
        var command = Valid with { Username = "ab" };

        var result = _validator.Validate(command);

        result.Errors.Should().ContainSingle().Which.ErrorMessage.Should().Be(Username.Rule);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234567")]
    public void RejectsAShortPassword(string password)
    {
        var command = Valid with { Password = password };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreateUserCommand.Password));
    }

    [Fact]
    public void AcceptsAPasswordOfTheMinimumLength()
    {
        var command = Valid with { Password = new string('p', PasswordRules.MinLength) };

        var result = _validator.Validate(command);

        result.IsValid.Should().BeTrue();
    }

    [Fact]
    public void RejectsAPasswordLongerThanTheMaximum()
    {
        var command = Valid with { Password = new string('p', PasswordRules.MaxLength + 1) };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreateUserCommand.Password));
    }

    [Theory]
    [InlineData("")]
    [InlineData("owner")]
    [InlineData("Admin")]
    [InlineData("SuperAdmin")]
    public void RejectsAnUnknownRole(string role)
    {
        var command = Valid with { Role = role };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreateUserCommand.Role));
    }

    [Theory]
    [InlineData("user")]
    [InlineData("admin")]
    [InlineData("super_admin")]
    public void AcceptsEveryKnownRole(string role)
    {
        var command = Valid with { Role = role };

        var result = _validator.Validate(command);

        result.IsValid.Should().BeTrue();
    }

    [Fact]
    public void RejectsAnEmptyOrganizationId()
    {
        var command = Valid with { OrganizationId = Guid.Empty };

        var invalid = InvalidProperties(command);

        invalid.Should().Equal(nameof(CreateUserCommand.OrganizationId));
    }
}
