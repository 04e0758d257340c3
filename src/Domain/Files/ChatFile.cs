using System.Text;
using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Users;

namespace AbParts.Domain.Files;

public readonly record struct ChatFileId(Guid Value)
{
    public static ChatFileId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

/// <summary>
/// A file a user attached to chat messages: the original bytes exactly as sent (in the store the storage
/// policy chose), their type as the content tells it, the name the user gave, and for images a thumbnail
/// image in PostgreSQL. It belongs to one user.
/// </summary>
public sealed class ChatFile : IAggregateRoot
{
    public const int NameMaxLength = 255;

    private ChatFile() { } // EF Core

    public ChatFileId Id { get; private set; }

    public UserId OwnerId { get; private set; }

    /// <summary>The user's file name, with control characters and path separators replaced (<see cref="CleanName"/>).</summary>
    public string Name { get; private set; } = string.Empty;

    /// <summary>The type the bytes were recognised as (<see cref="ChatFileType.ContentType"/>).</summary>
    public string ContentType { get; private set; } = string.Empty;

    public bool IsImage { get; private set; }

    public long ByteSize { get; private set; }

    public ContentHash Sha256 { get; private set; } = null!;

    public StorageLocation Location { get; private set; } = null!;

    /// <summary>The image whose thumbnails show this file; every image file has one, no other file does.</summary>
    public ImageAssetId? ThumbnailImageId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The key a new file's bytes are stored under: made from its id and type, never from the client's name.</summary>
    public static (ChatFileId Id, string Key) NewKey(ChatFileType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var id = ChatFileId.New();
        return (id, $"files/{id.Value:N}{type.Extensions[0]}");
    }

    public static ChatFile Create(ChatFileId id, UserId owner, string? name, ChatFileType type, long byteSize,
        ContentHash sha256, StorageLocation location, ImageAssetId? thumbnailImageId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(sha256);
        ArgumentNullException.ThrowIfNull(location);
        if (byteSize <= 0)
        {
            throw new DomainException("A file cannot be empty.");
        }

        if (type.IsImage != thumbnailImageId is not null)
        {
            throw new DomainException(type.IsImage ? "An image file needs its thumbnail." : "Only image files have thumbnails.");
        }

        return new ChatFile
        {
            Id = id,
            OwnerId = owner.Value != Guid.Empty ? owner : throw new DomainException("A file must belong to a user."),
            Name = CleanName(name),
            ContentType = type.ContentType,
            IsImage = type.IsImage,
            ByteSize = byteSize,
            Sha256 = sha256,
            Location = location,
            ThumbnailImageId = thumbnailImageId,
            CreatedAt = now,
        };
    }

    public bool IsOwnedBy(UserId user) => OwnerId == user;

    /// <summary>
    /// Points the file at the same key in the other video store, once its bytes have been verified there
    /// (<c>media sync --switch</c>). A file kept in PostgreSQL stays there: the storage policy put it there by its size.
    /// </summary>
    public void MoveTo(StorageBackend backend)
    {
        if (backend == StorageBackend.Postgres || Location.Backend == StorageBackend.Postgres)
        {
            throw new DomainException("A file moves between video stores only; one kept in PostgreSQL stays there.");
        }

        Location = StorageLocation.Create(backend, Location.Key);
    }

    /// <summary>
    /// The name as the user gave it, safe to show and to save under: control characters (CR and LF
    /// included), bidirectional-text controls and path separators become <c>_</c>, a name of only dots becomes <c>_</c>, and a name
    /// longer than <see cref="NameMaxLength"/> loses the end of its stem, not its extension. No name gives <c>file</c>.
    /// </summary>
    public static string CleanName(string? name)
    {
        var cleaned = new StringBuilder(name?.Trim() ?? string.Empty);
        for (var i = 0; i < cleaned.Length; i++)
        {
            if (char.IsControl(cleaned[i]) || IsBidiControl(cleaned[i]) || cleaned[i] is '/' or '\\'
                || char.IsSurrogate(cleaned[i]) && !IsPairedAt(cleaned, i))
            {
                cleaned[i] = '_';
            }
        }

        var text = cleaned.ToString().Trim();
        if (text.Length == 0)
        {
            return "file";
        }

        if (text.All(c => c == '.'))
        {
            return "_";
        }

        if (text.Length <= NameMaxLength)
        {
            return text;
        }

        var extension = Path.GetExtension(text);
        extension = extension.Length is > 1 and <= 16 ? extension : string.Empty;
        var stem = text[..(NameMaxLength - extension.Length)];
        if (char.IsHighSurrogate(stem[^1]))
        {
            stem = stem[..^1];
        }

        return stem + extension;
    }

    /// <summary>Marks and overrides that reorder how text displays: <c>invoice\u202Efdp.exe</c> would show as <c>invoiceexe.pdf</c>.</summary>
    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    private static bool IsPairedAt(StringBuilder text, int i) => char.IsHighSurrogate(text[i])
        ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
        : i > 0 && char.IsHighSurrogate(text[i - 1]);
}
