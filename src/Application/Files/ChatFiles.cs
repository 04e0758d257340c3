using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Domain.Files;
using AbParts.Domain.Users;
using Ardalis.Specification;

namespace AbParts.Application.Files;

/// <summary><c>ChatFiles</c>: how much one chat upload may carry.</summary>
public sealed class ChatFileOptions
{
    public const string SectionName = "ChatFiles";

    /// <summary>Largest single file (25 MB); an image file is also held to <c>Images:MaxInputBytes</c>.</summary>
    public long MaxFileBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Largest upload request, all files together (100 MB).</summary>
    public long MaxRequestBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Most files in one upload request.</summary>
    public int MaxFilesPerRequest { get; set; } = 10;
}

/// <summary>A chat file's facts; the HTTP layer adds its signed URLs.</summary>
public sealed record ChatFileDto(Guid Id, Guid OwnerId, string Name, string ContentType, long Size, bool IsImage,
    string Sha256, DateTimeOffset CreatedAt)
{
    public static ChatFileDto From(ChatFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new ChatFileDto(file.Id.Value, file.OwnerId.Value, file.Name, file.ContentType, file.ByteSize, file.IsImage,
            file.Sha256.Value, file.CreatedAt);
    }
}

public sealed class ChatFileByIdSpec : Specification<ChatFile>
{
    public ChatFileByIdSpec(ChatFileId id, bool readOnly = false)
    {
        Query.Where(f => f.Id == id)
            .AsNoTracking(readOnly);
    }
}

public sealed class ChatFilesByIdsSpec : Specification<ChatFile>
{
    public ChatFilesByIdsSpec(IReadOnlyCollection<ChatFileId> ids)
    {
        Query.Where(f => ids.Contains(f.Id))
            .AsNoTracking();
    }
}

/// <summary>
/// Who may see a chat file: its owner and super admins, and whoever holds a signed URL the service issued
/// for it (to one of those). Everyone else learns nothing, not even that it exists: the same 404 as for a
/// file that does not exist.
/// </summary>
public sealed class ChatFileAccess(IRepository<ChatFile> files, ICurrentUser currentUser)
{
    /// <summary>A file to read (loaded untracked): its owner's, a super admin's, or that of the request's signed URL.</summary>
    public Task<ChatFile> FindToReadAsync(Guid id, CancellationToken cancellationToken) =>
        FindAsync(id, readOnly: true, cancellationToken);

    /// <summary>A file to change (loaded for the unit of work): its owner's or a super admin's; a signed URL is not enough.</summary>
    public Task<ChatFile> FindToChangeAsync(Guid id, CancellationToken cancellationToken) =>
        FindAsync(id, readOnly: false, cancellationToken);

    private async Task<ChatFile> FindAsync(Guid id, bool readOnly, CancellationToken cancellationToken)
    {
        var file = await files.FirstOrDefaultAsync(new ChatFileByIdSpec(new ChatFileId(id), readOnly), cancellationToken);
        var allowed = file is not null && (readOnly && currentUser.HasSignedUrl || MayUse(currentUser.Caller, file.OwnerId));
        return allowed ? file! : throw NotFound(id);
    }

    /// <summary>Whether <paramref name="caller"/> may see what <paramref name="owner"/> owns in chat: their own, or anything for a super admin.</summary>
    public static bool MayUse(Caller? caller, UserId owner) => MediaAudience.Admits(MediaAudience.OwnedBy(owner), caller);

    public static NotFoundException NotFound(Guid id) => NotFoundException.For("File", id);
}
