using AbParts.Application.Common.Behaviors;
using AbParts.Application.Parts;
using AbParts.Application.Users;
using FluentValidation;
using ValidationException = AbParts.Application.Common.Exceptions.ValidationException;

namespace AbParts.Application.UnitTests.Common;

public sealed class ValidationBehaviorTests
{
    private static readonly PartDto Response = new(Guid.NewGuid(), "PN-001", "Oil filter", null, 0, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task CallsNextWhenThereAreNoValidators()
    {
        var behavior = new ValidationBehavior<CreatePartCommand, PartDto>([]);
        var calls = 0;

        var response = await behavior.Handle(new CreatePartCommand("", ""), CancellationToken.None,
            () => { calls++; return Task.FromResult(Response); });

        response.Should().BeSameAs(Response);
        calls.Should().Be(1);
    }

    [Fact]
    public async Task CallsNextWhenTheRequestIsValid()
    {
        var behavior = new ValidationBehavior<CreatePartCommand, PartDto>([new CreatePartValidator()]);
        var calls = 0;

        var response = await behavior.Handle(new CreatePartCommand("PN-001", "Oil filter"), CancellationToken.None,
            () => { calls++; return Task.FromResult(Response); });

        response.Should().BeSameAs(Response);
        calls.Should().Be(1);
    }

    [Fact]
    public async Task ThrowsAValidationExceptionKeyedBySnakeCaseWireNames()
    {
        var behavior = new ValidationBehavior<CreatePartCommand, PartDto>([new CreatePartValidator()]);

        var handling = () => behavior.Handle(new CreatePartCommand("", "Oil filter"), CancellationToken.None,
            () => Task.FromResult(Response));

        var thrown = await handling.Should().ThrowAsync<ValidationException>();
        thrown.Which.Errors.Keys.Should().BeEquivalentTo("part_number");
    }

    [Fact]
    public async Task DoesNotCallNextWhenValidationFails()
    {
        var behavior = new ValidationBehavior<CreatePartCommand, PartDto>([new CreatePartValidator()]);
        var calls = 0;

        var handling = () => behavior.Handle(new CreatePartCommand("", ""), CancellationToken.None,
            () => { calls++; return Task.FromResult(Response); });

        await handling.Should().ThrowAsync<ValidationException>();
        calls.Should().Be(0);
    }

    [Fact]
    public async Task CollectsTheFailuresOfEveryValidator()
    {
        var second = new InlineValidator<CreatePartCommand>();
        second.RuleFor(c => c.Description).NotEmpty();
        var behavior = new ValidationBehavior<CreatePartCommand, PartDto>([new CreatePartValidator(), second]);

        var handling = () => behavior.Handle(new CreatePartCommand("", "Oil filter"), CancellationToken.None,
            () => Task.FromResult(Response));

        var thrown = await handling.Should().ThrowAsync<ValidationException>();
        thrown.Which.Errors.Keys.Should().BeEquivalentTo("part_number", "description");
    }

    [Fact]
    public async Task ReportsEveryInvalidFieldOfACommandAtOnce()
    {
        var behavior = new ValidationBehavior<CreateUserCommand, UserDto>([new CreateUserValidator()]);

        var handling = () => behavior.Handle(new CreateUserCommand("x", "short", Guid.Empty, "root"),
            CancellationToken.None, () => Task.FromResult<UserDto>(null!));

        var thrown = await handling.Should().ThrowAsync<ValidationException>();
        thrown.Which.Errors.Keys.Should().BeEquivalentTo("username", "password", "organization_id", "role");
    }
}
