using AbParts.Domain.Common;
using AbParts.Domain.Users;

namespace AbParts.Domain.UnitTests;

public sealed class UserRoleNamesTests
{
    [Theory]
    [InlineData(UserRole.User, "user")]
    [InlineData(UserRole.Admin, "admin")]
    [InlineData(UserRole.SuperAdmin, "super_admin")]
    public void NamesEachRoleInSnakeCase(UserRole role, string expected)
    {
        var name = role.ToName();

        name.Should().Be(expected);
    }

    [Fact]
    public void EveryRoleRoundTripsThroughItsName()
    {
        var roles = Enum.GetValues<UserRole>();

        var parsed = roles.Select(role => UserRoleNames.TryParse(role.ToName(), out var back) ? back : (UserRole?)null);

        parsed.Should().Equal(roles.Cast<UserRole?>());
    }

    [Fact]
    public void AllListsTheNameOfEveryRole()
    {
        var names = Enum.GetValues<UserRole>().Select(r => r.ToName());

        UserRoleNames.All.Should().BeEquivalentTo(names);
    }

    [Theory]
    [InlineData("User")]
    [InlineData("SUPER_ADMIN")]
    [InlineData("SuperAdmin")]
    [InlineData("superadmin")]
    [InlineData("owner")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParseRefusesUnknownNames(string? name)
    {
        var parsed = UserRoleNames.TryParse(name, out _);

        parsed.Should().BeFalse();
    }

    [Fact]
    public void ParseThrowsADomainExceptionForAnUnknownName()
    {
        var parsing = () => UserRoleNames.Parse("owner");

        parsing.Should().Throw<DomainException>().WithMessage("*'owner'*user, admin, super_admin*");
    }

    [Fact]
    public void ParseReturnsTheRoleOfAKnownName()
    {
        var role = UserRoleNames.Parse("admin");

        role.Should().Be(UserRole.Admin);
    }

    [Fact]
    public void ToNameRefusesAnUndefinedRole()
    {
        var naming = () => ((UserRole)42).ToName();

        naming.Should().Throw<ArgumentOutOfRangeException>();
    }
}
