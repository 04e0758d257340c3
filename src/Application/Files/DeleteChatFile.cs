using AbParts.Application.Common.Abstractions;
using MediatR;

namespace AbParts.Application.Files;

/// <summary>Deletes a chat file, its bytes and its thumbnails: its owner or a super admin. Messages that carried it no longer show it.</summary>
public sealed record DeleteChatFileCommand(Guid Id) : IRequest<Unit>;

public sealed class DeleteChatFileHandler(ChatFileAccess access, ChatFileRemoval removal, IUnitOfWork unitOfWork)
    : IRequestHandler<DeleteChatFileCommand, Unit>
{
    public async Task<Unit> Handle(DeleteChatFileCommand request, CancellationToken cancellationToken)
    {
        var file = await access.FindToChangeAsync(request.Id, cancellationToken);
        var remaining = await unitOfWork.InTransactionAsync(async () =>
        {
            var location = await removal.RemoveAsync(file, cancellationToken);
            await unitOfWork.SaveChangesAsync(cancellationToken);
            return location;
        }, cancellationToken);

        // The row is committed away; the bytes in the video store follow. A failure here leaves an orphan the sweep removes.
        if (remaining is not null)
        {
            await removal.DeleteCommittedAsync(remaining, cancellationToken);
        }

        return Unit.Value;
    }
}
