using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using Moq;

namespace AbParts.Application.UnitTests.Users;

public sealed class EnsureSuperAdminHandlerTests
{
    private const string DefaultOrganization = EnsureSuperAdminCommand.DefaultOrganizationName;

    private readonly InMemoryRepository<User> _users = new();
    private readonly InMemoryRepository<Organization> _organizations = new();
    private readonly Mock<IPasswordHasher> _hasher = Fakes.PasswordHasher();
    private readonly CountingUnitOfWork _unitOfWork = new();

    private EnsureSuperAdminHandler Handler() =>
        new(_users, _organizations, _hasher.Object, _unitOfWork, Fakes.Clock());

    private Task<EnsureSuperAdminResult> Ensure(string? username = null, string? password = null,
        string organization = DefaultOrganization) =>
        Handler().Handle(new EnsureSuperAdminCommand(username, password, organization), CancellationToken.None);

    [Fact]
    public async Task CreatesTheDefaultAdminWhenThereIsNoSuperAdmin()
    {
        var result = await Ensure();

        result.Outcome.Should().Be(SuperAdminOutcome.Created);
        result.Username.Should().Be("admin");
        var admin = _users.Items.Should().ContainSingle().Subject;
        admin.Username.Value.Should().Be("admin");
        admin.Role.Should().Be(UserRole.SuperAdmin);
        _unitOfWork.SaveCount.Should().Be(1);
    }

    [Fact]
    public async Task ReturnsAGeneratedPasswordOfTwentyFourCharacters()
    {
        var result = await Ensure();

        result.GeneratedPassword.Should().NotBeNull().And.HaveLength(24);
    }

    [Fact]
    public async Task StoresTheHashOfTheGeneratedPassword()
    {
        var result = await Ensure();

        _users.Items.Single().PasswordHash.Should().Be("hashed:" + result.GeneratedPassword);
    }

    [Fact]
    public async Task GeneratesADifferentPasswordForEachInstallation()
    {
        var first = await Ensure();

        var second = await new EnsureSuperAdminHandler(new InMemoryRepository<User>(),
            new InMemoryRepository<Organization>(), _hasher.Object, new CountingUnitOfWork(), Fakes.Clock())
            .Handle(new EnsureSuperAdminCommand(null, null, DefaultOrganization), CancellationToken.None);

        second.GeneratedPassword.Should().NotBe(first.GeneratedPassword);
    }

    [Fact]
    public async Task CreatesTheOrganizationForTheDefaultAdmin()
    {
        await Ensure();

        var organization = _organizations.Items.Should().ContainSingle().Subject;
        organization.Name.Should().Be(DefaultOrganization);
        _users.Items.Single().OrganizationId.Should().Be(organization.Id);
    }

    [Fact]
    public async Task ReturnsTheGeneratedPasswordOnlyOnce()
    {
        await Ensure();

        var again = await Ensure();

        again.Outcome.Should().Be(SuperAdminOutcome.AlreadyPresent);
        again.GeneratedPassword.Should().BeNull();
        _users.Items.Should().ContainSingle();
    }

    [Fact]
    public async Task LeavesAnExistingSuperAdminAloneWhenNoUsernameIsGiven()
    {
        var operations = Fakes.Organization("Operations");
        _organizations.Add(operations);
        _users.Add(Fakes.User("root", operations, UserRole.SuperAdmin));

        var result = await Ensure();

        result.Should().Be(new EnsureSuperAdminResult(SuperAdminOutcome.AlreadyPresent, "root", null));
        _users.Items.Should().ContainSingle();
        _organizations.Items.Should().ContainSingle();
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task CreatesANamedUserInTheNamedOrganizationWhenItIsMissing()
    {
        var result = await Ensure("Ops.Lead", "a-long-password", "Operations");

        result.Should().Be(new EnsureSuperAdminResult(SuperAdminOutcome.Created, "ops.lead", null));
        var organization = _organizations.Items.Should().ContainSingle().Subject;
        organization.Name.Should().Be("Operations");
        var user = _users.Items.Should().ContainSingle().Subject;
        user.OrganizationId.Should().Be(organization.Id);
        user.Role.Should().Be(UserRole.SuperAdmin);
        user.PasswordHash.Should().Be("hashed:a-long-password");
        _unitOfWork.SaveCount.Should().Be(1);
    }

    [Fact]
    public async Task CreatesANamedUserEvenWhenAnotherSuperAdminExists()
    {
        var operations = Fakes.Organization("Operations");
        _organizations.Add(operations);
        _users.Add(Fakes.User("root", operations, UserRole.SuperAdmin));

        var result = await Ensure("second", "a-long-password", "Operations");

        result.Outcome.Should().Be(SuperAdminOutcome.Created);
        _users.Items.Should().HaveCount(2);
    }

    [Fact]
    public async Task ReusesTheNamedOrganizationWhenItExists()
    {
        var operations = Fakes.Organization("Operations");
        _organizations.Add(operations);

        await Ensure("ops", "a-long-password", "  Operations  ");

        _organizations.Items.Should().ContainSingle().Which.Should().BeSameAs(operations);
        _users.Items.Single().OrganizationId.Should().Be(operations.Id);
    }

    [Fact]
    public async Task GeneratesAPasswordForANamedUserCreatedWithoutOne()
    {
        var result = await Ensure("ops", null, "Operations");

        result.GeneratedPassword.Should().HaveLength(24);
        _users.Items.Single().PasswordHash.Should().Be("hashed:" + result.GeneratedPassword);
    }

    [Fact]
    public async Task ResetsThePasswordOfANamedSuperAdminWhenItDiffers()
    {
        var operations = Fakes.Organization("Operations");
        var ops = Fakes.User("ops", operations, UserRole.SuperAdmin, password: "old-password");
        _users.Add(ops);
        var stamp = ops.SecurityStamp;

        var result = await Ensure("ops", "new-password", "Operations");

        result.Should().Be(new EnsureSuperAdminResult(SuperAdminOutcome.PasswordReset, "ops", null));
        ops.PasswordHash.Should().Be("hashed:new-password");
        ops.SecurityStamp.Should().NotBe(stamp, "the tokens issued with the old password stop working");
        _unitOfWork.SaveCount.Should().Be(1);
    }

    [Fact]
    public async Task LeavesANamedSuperAdminAloneWhenThePasswordIsTheSame()
    {
        var operations = Fakes.Organization("Operations");
        var ops = Fakes.User("ops", operations, UserRole.SuperAdmin, password: "same-password");
        _users.Add(ops);

        var result = await Ensure("ops", "same-password", "Operations");

        result.Should().Be(new EnsureSuperAdminResult(SuperAdminOutcome.AlreadyPresent, "ops", null));
        ops.PasswordHash.Should().Be("hashed:same-password");
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task LeavesANamedSuperAdminAloneWhenNoPasswordIsGiven()
    {
        var operations = Fakes.Organization("Operations");
        var ops = Fakes.User("ops", operations, UserRole.SuperAdmin, password: "kept-password");
        _users.Add(ops);

        var result = await Ensure("ops", null, "Operations");

        result.Should().Be(new EnsureSuperAdminResult(SuperAdminOutcome.AlreadyPresent, "ops", null));
        ops.PasswordHash.Should().Be("hashed:kept-password");
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Theory]
    [InlineData(UserRole.User)]
    [InlineData(UserRole.Admin)]
    public async Task RefusesANamedUserThatHasAnotherRole(UserRole role)
    {
        var customer = Fakes.Organization("Customer");
        var existing = Fakes.User("ops", customer, role, password: "their-password");
        _users.Add(existing);

        var ensuring = () => Ensure("ops", "new-password", "Operations");

        await ensuring.Should().ThrowAsync<ConflictException>().WithMessage("*'ops'*");
        existing.Role.Should().Be(role);
        existing.PasswordHash.Should().Be("hashed:their-password");
        _organizations.Items.Should().BeEmpty();
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task RefusesToTurnAnOrdinaryUserNamedAdminIntoTheDefaultSuperAdmin()
    {
        var customer = Fakes.Organization("Customer");
        _users.Add(Fakes.User("admin", customer, UserRole.User));

        var ensuring = () => Ensure();

        await ensuring.Should().ThrowAsync<ConflictException>();
        _unitOfWork.SaveCount.Should().Be(0);
    }
}
