using AbParts.Application.Common.Abstractions;
using AbParts.Application.Images;
using AbParts.Domain.Media;
using MediatR;

namespace AbParts.Application.Files;

/// <summary>Deletes a chat file, its bytes and its thumbnails: its owner or a super admin. Messages that carried it no longer show it.</summary>
public sealed record DeleteChatFileCommand(Guid Id) : IRequest<Unit>;

public sealed class DeleteChatFileHandler(ChatFileAccess access, IRepository<Domain.Files.ChatFile> files, ImageStorage images,
    IMediaStores stores, IUnitOfWork unitOfWork) : IRequestHandler<DeleteChatFileCommand, Unit>
{
    public async Task<Unit> Handle(DeleteChatFileCommand request, CancellationToken cancellationToken)
    {
        var file = await access.FindAsync(request.Id, bySignedUrl: false, cancellationToken);
        var location = file.Location;
        await unitOfWork.InTransactionAsync(async () =>
        {
            files.Remove(file);
            if (file.ThumbnailImageId is { } thumbnail)
            {
                await images.DeleteAsync(thumbnail, cancellationToken);
            }

            if (location.Backend == StorageBackend.Postgres)
            {
                await stores.Resolve(location.Backend).DeleteAsync(location.Key, cancellationToken);
            }

            await unitOfWork.SaveChangesAsync(cancellationToken);
            return Unit.Value;
        }, cancellationToken);

        // The row is committed away; the bytes in the video store follow. A failure here leaves an orphan the sweep removes.
        if (location.Backend != StorageBackend.Postgres)
        {
            await stores.Resolve(location.Backend).DeleteAsync(location.Key, cancellationToken);
        }

        return Unit.Value;
    }
}
