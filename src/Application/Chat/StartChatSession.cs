using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Domain.Chat;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Chat;

/// <summary>Starts a chat session of the caller.</summary>
public sealed record StartChatSessionCommand(string? Title) : IRequest<ChatSessionDto>;

public sealed class StartChatSessionValidator : AbstractValidator<StartChatSessionCommand>
{
    public StartChatSessionValidator() => RuleFor(c => c.Title).MaximumLength(ChatSession.TitleMaxLength);
}

public sealed class StartChatSessionHandler(IRepository<ChatSession> sessions, IUnitOfWork unitOfWork, ICurrentUser currentUser,
    IClock clock) : IRequestHandler<StartChatSessionCommand, ChatSessionDto>
{
    public async Task<ChatSessionDto> Handle(StartChatSessionCommand request, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        var session = ChatSession.Start(caller.UserId, request.Title, clock.UtcNow);
        sessions.Add(session);
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return ChatSessionDto.From(session);
    }
}
