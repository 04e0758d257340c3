using AbParts.Application.Common.Abstractions;
using AbParts.Application.Files;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Domain.Chat;
using AbParts.Domain.Files;
using MediatR;

namespace AbParts.Application.Chat;

/// <summary>A session's messages, oldest first, each with the files it carries: for the session's owner and super admins.</summary>
public sealed record GetChatHistoryQuery(Guid SessionId) : IRequest<ChatHistoryDto>;

public sealed record ChatHistoryDto(ChatSessionDto Session, IReadOnlyList<ChatMessageDto> Messages);

public sealed class GetChatHistoryHandler(IRepository<ChatSession> sessions, IRepository<ChatMessage> messages,
    IRepository<ChatFile> files, ICurrentUser currentUser) : IRequestHandler<GetChatHistoryQuery, ChatHistoryDto>
{
    public async Task<ChatHistoryDto> Handle(GetChatHistoryQuery request, CancellationToken cancellationToken)
    {
        var session = await sessions.FirstOrDefaultAsync(new ChatSessionByIdSpec(new ChatSessionId(request.SessionId)), cancellationToken);
        if (session is null || !ChatFileAccess.MayUse(currentUser.Caller, session.OwnerId))
        {
            throw NotFoundException.For("Chat session", request.SessionId);
        }

        var history = await messages.ListAsync(new ChatMessagesOfSessionSpec(session.Id), cancellationToken);
        var ids = history.SelectMany(m => m.FileIds).Distinct().ToList();
        var carried = ids.Count == 0 ? [] : await files.ListAsync(new ChatFilesByIdsSpec(ids), cancellationToken);
        var byId = carried.Select(ChatFileDto.From).ToDictionary(f => f.Id);
        return new ChatHistoryDto(ChatSessionDto.From(session), history.Select(m => ChatMessageDto.From(m, byId)).ToList());
    }
}
