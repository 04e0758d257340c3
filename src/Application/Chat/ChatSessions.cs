using AbParts.Application.Files;
using AbParts.Domain.Chat;
using Ardalis.Specification;

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
        Query.Where(s => s.Id == id)
            .AsNoTracking();
    }
}

public sealed class ChatMessagesOfSessionSpec : Specification<ChatMessage>
{
    public ChatMessagesOfSessionSpec(ChatSessionId session)
    {
        Query.Where(m => m.SessionId == session)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id);
        Query.AsNoTracking();
    }
}
