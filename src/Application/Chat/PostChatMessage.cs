using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Files;
using AbParts.Domain.Chat;
using AbParts.Domain.Files;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Chat;

/// <summary>
/// Adds a message to one of the caller's own sessions, carrying files the caller uploaded. A session or a
/// file of someone else is answered as not found, as one that does not exist.
/// </summary>
public sealed record PostChatMessageCommand(Guid SessionId, string Role, string? Content, IReadOnlyList<Guid>? FileIds)
    : IRequest<ChatMessageDto>;

public sealed class PostChatMessageValidator : AbstractValidator<PostChatMessageCommand>
{
    public PostChatMessageValidator()
    {
        RuleFor(c => c.Role).Must(r => ChatRoleNames.TryParse(r, out _))
            .WithMessage($"'role' must be one of: {string.Join(", ", ChatRoleNames.Names)}.");
        RuleFor(c => c.Content).MaximumLength(ChatMessage.ContentMaxLength);
        RuleFor(c => c.FileIds).Must(ids => ids is null || ids.Count <= ChatMessage.MaxFiles)
            .WithMessage($"A message carries at most {ChatMessage.MaxFiles} files.")
            .Must(ids => ids is null || ids.Distinct().Count() == ids.Count).WithMessage("Name each file once.");
        RuleFor(c => c).Must(c => !string.IsNullOrWhiteSpace(c.Content) || c.FileIds is { Count: > 0 })
            .WithMessage("A message needs content or files.").OverridePropertyName("content");
    }
}

public sealed class PostChatMessageHandler(IRepository<ChatSession> sessions, IRepository<ChatMessage> messages,
    IRepository<ChatFile> files, IUnitOfWork unitOfWork, ICurrentUser currentUser, IClock clock)
    : IRequestHandler<PostChatMessageCommand, ChatMessageDto>
{
    public async Task<ChatMessageDto> Handle(PostChatMessageCommand request, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        var session = await sessions.FirstOrDefaultAsync(new ChatSessionByIdSpec(new ChatSessionId(request.SessionId)), cancellationToken);
        if (session is null || !session.IsOwnedBy(caller.UserId))
        {
            throw NotFoundException.For("Chat session", request.SessionId);
        }

        var ids = (request.FileIds ?? []).Select(id => new ChatFileId(id)).ToList();
        var found = ids.Count == 0 ? [] : await files.ListAsync(new ChatFilesByIdsSpec(ids), cancellationToken);
        var carried = new List<ChatFile>(ids.Count);
        foreach (var id in ids)
        {
            carried.Add(found.FirstOrDefault(f => f.Id == id && f.IsOwnedBy(caller.UserId))
                        ?? throw ChatFileAccess.NotFound(id.Value));
        }

        var message = session.Post(ChatRoleNames.Parse(request.Role), request.Content, carried, clock.UtcNow);
        messages.Add(message);
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return ChatMessageDto.From(message, carried.Select(ChatFileDto.From).ToDictionary(f => f.Id));
    }
}
