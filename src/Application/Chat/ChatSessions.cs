using AbParts.Application.Common.Specifications;
using AbParts.Application.Files;
using AbParts.Domain.Chat;

namespace AbParts.Application.Chat;

public sealed record ChatSessionDto(Guid Id, string? Title, DateTimeOffset CreatedAt)
{
    public static ChatSessionDto From(ChatSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new ChatSessionDto(session.Id.Value, session.Title, session.CreatedAt);
    }
}

/// <summary>A message with the files it carries that still exist, in the order the message named them.</summary>
public sealed record ChatMessageDto(Guid Id, Guid SessionId, string Role, string Content, IReadOnlyList<ChatFileDto> Uploads,
    DateTimeOffset CreatedAt)
{
    public static ChatMessageDto From(ChatMessage message, IReadOnlyDictionary<Guid, ChatFileDto> files)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(files);
        return new ChatMessageDto(message.Id.Value, message.SessionId.Value, message.Role.ToName(), message.Content,
            message.FileIds.Where(id => files.ContainsKey(id.Value)).Select(id => files[id.Value]).ToList(), message.CreatedAt);
    }
}

public sealed class ChatSessionByIdSpec : Specification<ChatSession>
{
    public ChatSessionByIdSpec(ChatSessionId id)
    {
        Where(s => s.Id == id);
        ReadOnly();
    }
}

public sealed class ChatMessagesOfSessionSpec : Specification<ChatMessage>
{
    public ChatMessagesOfSessionSpec(ChatSessionId session)
    {
        Where(m => m.SessionId == session);
        OrderByAscending(m => m.CreatedAt);
        OrderByAscending(m => m.Id);
        ReadOnly();
    }
}
