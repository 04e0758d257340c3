using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using Moq;

namespace AbParts.Application.UnitTests.Users;

public sealed class CreateUserHandlerTests
{
    private readonly Organization _organization = Fakes.Organization();
    private readonly InMemoryRepository<User> _users = new();
    private readonly InMemoryRepository<Organization> _organizations;
    private readonly Mock<IPasswordHasher> _hasher = new();
    private readonly CountingUnitOfWork _unitOfWork = new();

    public CreateUserHandlerTests()
    {
        _organizations = new(_organization);
        _hasher.Setup(h => h.Hash("s3cret-pass")).Returns("PBKDF2$opaque");
    }

    private CreateUserHandler Handler() =>
        new(_users, _organizations, _hasher.Object, _unitOfWork, Fakes.Clock(), TestMapper.Instance);

    private CreateUserCommand Command(string username = "Alice", Guid? organizationId = null, string role = "admin") =>
        new(username, "s3cret-pass", organizationId ?? _organization.Id.Value, role);

    [Fact]
    public async Task CreatesAndSavesTheUser()
    {
        var command = Command();

        var dto = await Handler().Handle(command, CancellationToken.None);

        var saved = _users.Items.Should().ContainSingle().Subject;
        _unitOfWork.SaveCount.Should().Be(1);
        dto.Should().Be(new UserDto(saved.Id.Value, "alice", "admin", _organization.Id.Value, Fakes.Now));
    }

    [Fact]
    public async Task StoresTheHashersOutputAndNeverThePassword()
    {
        var command = Command();

        await Handler().Handle(command, CancellationToken.None);

        var saved = _users.Items.Single();
        saved.PasswordHash.Should().Be("PBKDF2$opaque");
        saved.PasswordHash.Should().NotContain("s3cret-pass");
    }

    [Fact]
    public async Task RefusesAnUnknownOrganizationAsAValidationErrorOnOrganizationId()
    {
        var command = Command(organizationId: Guid.NewGuid());

        var creating = () => Handler().Handle(command, CancellationToken.None);

        var thrown = await creating.Should().ThrowAsync<ValidationException>();
        thrown.Which.Errors.Should().ContainKey("organization_id").WhoseValue.Should().ContainSingle();
        _users.Items.Should().BeEmpty();
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task RefusesADuplicateUsernameWhateverItsCase()
    {
        _users.Add(Fakes.User("alice", _organization));

        var creating = () => Handler().Handle(Command(username: "ALICE"), CancellationToken.None);

        await creating.Should().ThrowAsync<ConflictException>();
        _users.Items.Should().ContainSingle();
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task NeverHashesWhenTheUsernameIsTaken()
    {
        _users.Add(Fakes.User("alice", _organization));

        var creating = () => Handler().Handle(Command(), CancellationToken.None);

        await creating.Should().ThrowAsync<ConflictException>();
        _hasher.Verify(h => h.Hash(It.IsAny<string>()), Times.Never);
    }
}
