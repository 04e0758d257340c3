using AbParts.Domain.Common;
using AbParts.Domain.Files;
using AbParts.Domain.Users;

namespace AbParts.Domain.Chat;

public readonly record struct ChatSessionId(Guid Value)
{
    public static ChatSessionId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

public readonly record struct ChatMessageId(Guid Value)
{
    public static ChatMessageId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

/// <summary>A conversation of one user; its messages are aggregates of their own, so a long history is never loaded to add one.</summary>
public sealed class ChatSession : IAggregateRoot
{
    public const int TitleMaxLength = 200;

    private ChatSession() { } // EF Core

    public ChatSessionId Id { get; private set; }

    public UserId OwnerId { get; private set; }

    public string? Title { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static ChatSession Start(UserId owner, string? title, DateTimeOffset now) => new()
    {
        Id = ChatSessionId.New(),
        OwnerId = owner.Value != Guid.Empty ? owner : throw new DomainException("A chat session must belong to a user."),
        Title = Text.Optional(title, "session title", TitleMaxLength),
        CreatedAt = now,
    };

    public bool IsOwnedBy(UserId user) => OwnerId == user;

    /// <summary>
    /// A message in this session. It may carry only files of the session's owner: <paramref name="files"/>
    /// are the files the message names, already looked up.
    /// </summary>
    public ChatMessage Post(ChatRole role, string? content, IReadOnlyCollection<ChatFile> files, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Any(f => !f.IsOwnedBy(OwnerId)))
        {
            throw new DomainException("A message may carry only files of the session's owner.");
        }

        return ChatMessage.Create(Id, role, content, files.Select(f => f.Id).ToList(), now);
    }
}

/// <summary>Who wrote a message: the user, the assistant answering, or the system setting the scene.</summary>
public enum ChatRole
{
    User,
    Assistant,
    System,
}

public static class ChatRoleNames
{
    public static string ToName(this ChatRole role) => role switch
    {
        ChatRole.User => "user",
        ChatRole.Assistant => "assistant",
        ChatRole.System => "system",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<ChatRole>().Select(r => r.ToName()).ToList();

    public static bool TryParse(string? name, out ChatRole role)
    {
        var found = Enum.GetValues<ChatRole>().Where(r => r.ToName() == name).ToList();
        role = found.FirstOrDefault();
        return found.Count == 1;
    }

    public static ChatRole Parse(string name) => TryParse(name, out var role)
        ? role
        : throw new DomainException($"Unknown role '{name}'. Expected one of: {string.Join(", ", Names)}.");
}

/// <summary>One message of a session: its text and the files it carries, in the order given.</summary>
public sealed class ChatMessage : IAggregateRoot
{
    public const int ContentMaxLength = 32_000;
    public const int MaxFiles = 10;

    private List<Guid> _fileIds = [];

    private ChatMessage() { } // EF Core

    public ChatMessageId Id { get; private set; }

    public ChatSessionId SessionId { get; private set; }

    public ChatRole Role { get; private set; }

    public string Content { get; private set; } = string.Empty;

    public IReadOnlyList<ChatFileId> FileIds => _fileIds.Select(id => new ChatFileId(id)).ToList();

    public DateTimeOffset CreatedAt { get; private set; }

    internal static ChatMessage Create(ChatSessionId session, ChatRole role, string? content, IReadOnlyList<ChatFileId> files,
        DateTimeOffset now)
    {
        if (!Enum.IsDefined(role))
        {
            throw new DomainException($"Unknown role '{role}'.");
        }

        if (files.Count > MaxFiles)
        {
            throw new DomainException($"A message carries at most {MaxFiles} files.");
        }

        if (files.Distinct().Count() != files.Count)
        {
            throw new DomainException("A message names each file once.");
        }

        var text = content?.Trim() ?? string.Empty;
        if (text.Length == 0 && files.Count == 0)
        {
            throw new DomainException("A message needs content or files.");
        }

        return new ChatMessage
        {
            Id = ChatMessageId.New(),
            SessionId = session,
            Role = role,
            Content = text.Length == 0 ? string.Empty : Text.Required(text, "message content", ContentMaxLength),
            _fileIds = files.Select(f => f.Value).ToList(),
            CreatedAt = now,
        };
    }
}
