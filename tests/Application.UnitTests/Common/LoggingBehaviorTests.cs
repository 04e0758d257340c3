using AbParts.Application.Common.Behaviors;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AbParts.Application.UnitTests.Common;

public sealed class LoggingBehaviorTests
{
    private const string Password = "Sup3r-Secret-Pa55word";

    private static readonly CreateUserCommand Command =
        new("alice-in-wonderland", Password, Guid.Parse("0199d0a6-2f1e-7c3a-9b1e-5a7c2d4e6f80"), "admin");

    private static readonly UserDto Response = new(Guid.NewGuid(), "alice-in-wonderland", "admin",
        Command.OrganizationId, Fakes.Now);

    private readonly RecordingLogger<LoggingBehavior<CreateUserCommand, UserDto>> _logger = new();

    private LoggingBehavior<CreateUserCommand, UserDto> Behavior() => new(_logger);

    [Fact]
    public async Task PassesTheResponseThrough()
    {
        var behavior = new LoggingBehavior<CreateUserCommand, UserDto>(
            NullLogger<LoggingBehavior<CreateUserCommand, UserDto>>.Instance);

        var response = await behavior.Handle(Command, CancellationToken.None, () => Task.FromResult(Response));

        response.Should().BeSameAs(Response);
    }

    [Fact]
    public async Task RethrowsTheHandlersException()
    {
        var failure = new ConflictException("taken");

        var handling = () => Behavior().Handle(Command, CancellationToken.None, () => Task.FromException<UserDto>(failure));

        (await handling.Should().ThrowAsync<ConflictException>()).Which.Should().BeSameAs(failure);
    }

    [Fact]
    public async Task LogsTheUseCaseName()
    {
        await Behavior().Handle(Command, CancellationToken.None, () => Task.FromResult(Response));

        _logger.Entries.Should().ContainSingle()
            .Which.Message.Should().StartWith(nameof(CreateUserCommand) + " handled in");
    }

    [Fact]
    public async Task LogsTheOutcomeOfAFailure()
    {
        var handling = () => Behavior().Handle(Command, CancellationToken.None,
            () => Task.FromException<UserDto>(new ConflictException("taken")));

        await handling.Should().ThrowAsync<ConflictException>();

        _logger.Entries.Should().ContainSingle()
            .Which.Message.Should().Contain(nameof(CreateUserCommand)).And.Contain(nameof(ConflictException));
    }

    [Fact]
    public async Task NeverLogsThePropertiesOfTheRequest()
    {
        await Behavior().Handle(Command, CancellationToken.None, () => Task.FromResult(Response));

        var logged = _logger.Entries.SelectMany(e => e.Values.Append(e.Message)).ToList();
        logged.Should().NotBeEmpty();
        logged.Should().NotContain(text => text.Contains(Password, StringComparison.Ordinal));
        logged.Should().NotContain(text => text.Contains(Command.Username, StringComparison.Ordinal));
        logged.Should().NotContain(text => text.Contains(Command.OrganizationId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task NeverLogsThePropertiesOfTheRequestWhenItFails()
    {
        var handling = () => Behavior().Handle(Command, CancellationToken.None,
            () => Task.FromException<UserDto>(new InvalidOperationException("boom")));

        await handling.Should().ThrowAsync<InvalidOperationException>();

        var logged = _logger.Entries.SelectMany(e => e.Values.Append(e.Message)).ToList();
        logged.Should().NotBeEmpty();
        logged.Should().NotContain(text => text.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogsAtInformationLevel()
    {
        await Behavior().Handle(Command, CancellationToken.None, () => Task.FromResult(Response));

        _logger.Entries.Should().OnlyContain(e => e.Level == LogLevel.Information);
    }
}
