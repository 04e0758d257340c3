using AbParts.Application.Common.Abstractions;
using AbParts.Application.Files;
using AbParts.Application.Images;
using AbParts.Domain.Chat;
using AbParts.Domain.Files;
using AbParts.Domain.Media;
using AbParts.Domain.Users;
using Ardalis.Specification;
using MediatR;
using Microsoft.Extensions.Logging;

namespace AbParts.Application.Users;

/// <summary>
/// Removes a user (super admins, not themselves) with everything that is theirs alone: their profile photo,
/// chat files and chat sessions with their messages. Their tokens stop working. Answers the ids of the chat files
/// removed with them, so that what serving caches of them can be voided.
/// </summary>
public sealed record DeleteUserCommand(Guid UserId) : IRequest<IReadOnlyList<Guid>>;

/// <summary>
/// Rows, images and PostgreSQL-stored bytes go in one transaction; chat files' bytes in the video store are
/// deleted after it commits, each on its own, and one that fails is left for the sweep (as when deleting a chat file).
/// </summary>
public sealed partial class DeleteUserHandler(UserAdministration administration, IRepository<User> users,
    IRepository<ChatFile> files, IRepository<ChatSession> sessions, ChatFileRemoval removal, ImageStorage images,
    IUnitOfWork unitOfWork, ILogger<DeleteUserHandler> logger) : IRequestHandler<DeleteUserCommand, IReadOnlyList<Guid>>
{
    public async Task<IReadOnlyList<Guid>> Handle(DeleteUserCommand request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var removed = new List<Guid>();
        var remaining = await unitOfWork.InTransactionAsync(async () =>
        {
            removed.Clear();
            var user = await administration.LockTargetAsync(request.UserId, cancellationToken);
            var later = new List<StorageLocation>();
            foreach (var file in await files.ListAsync(new ChatFilesOfOwnerSpec(user.Id), cancellationToken))
            {
                removed.Add(file.Id.Value);
                if (await removal.RemoveAsync(file, cancellationToken) is { } location)
                {
                    later.Add(location);
                }
            }

            // Their messages go with each session (ON DELETE CASCADE).
            foreach (var session in await sessions.ListAsync(new ChatSessionsOfOwnerSpec(user.Id), cancellationToken))
            {
                sessions.Remove(session);
            }

            if (user.ReplaceProfilePhoto(null) is { } photo)
            {
                await images.DeleteAsync(photo, cancellationToken);
            }

            users.Remove(user);
            await unitOfWork.SaveChangesAsync(cancellationToken);
            return later;
        }, cancellationToken);

        foreach (var location in remaining)
        {
            try
            {
                await removal.DeleteCommittedAsync(location, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogLeftForSweep(logger, location.Key, exception.GetBaseException().Message);
            }
        }

        return removed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A removed user's file {Key} could not be deleted now ({Reason}); the sweep will remove it")]
    private static partial void LogLeftForSweep(ILogger logger, string key, string reason);

    private sealed class ChatFilesOfOwnerSpec : Specification<ChatFile>
    {
        public ChatFilesOfOwnerSpec(UserId owner) => Query.Where(f => f.OwnerId == owner);
    }

    private sealed class ChatSessionsOfOwnerSpec : Specification<ChatSession>
    {
        public ChatSessionsOfOwnerSpec(UserId owner) => Query.Where(s => s.OwnerId == owner);
    }
}
