using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Behaviors;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Users;
using AbParts.Domain.Users;
using MediatR;

namespace AbParts.Application.Images;

/// <summary>Sets the caller's own profile photo, replacing (and deleting) the previous one.</summary>
public sealed record UploadProfilePhotoCommand(UploadedFile File) : IRequest<StoredImageDto>;

/// <summary>
/// The image is processed first, with no transaction open; the transaction then locks the caller's row, so
/// uploads that replace the same photo at once queue there and the last to commit stands (ADR 0016).
/// </summary>
public sealed class UploadProfilePhotoHandler(ImageStorage storage, IRepository<User> users, ICurrentUser currentUser,
    IUnitOfWork unitOfWork) : IRequestHandler<UploadProfilePhotoCommand, StoredImageDto>
{
    public async Task<StoredImageDto> Handle(UploadProfilePhotoCommand request, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        var processed = await storage.ProcessAsync(request.File, cancellationToken);
        return await unitOfWork.InTransactionAsync(async () =>
        {
            var user = await LockedAsync(users, caller.UserId, cancellationToken);
            var image = await storage.ReplaceAsync(processed, user.ReplaceProfilePhoto, cancellationToken);

            await unitOfWork.SaveChangesAsync(cancellationToken);
            return ImageStorage.Describe(image);
        }, cancellationToken);
    }

    /// <summary>The caller, read only once this transaction holds the row lock of their user.</summary>
    internal static async Task<User> LockedAsync(IRepository<User> users, UserId id, CancellationToken cancellationToken) =>
        await users.LockAsync(id.Value, cancellationToken)
            ? (await users.FirstOrDefaultAsync(new UserByIdSpec(id), cancellationToken))!
            : throw new ForbiddenAccessException("Your account no longer exists.");
}

/// <summary>Removes the caller's profile photo.</summary>
public sealed record DeleteProfilePhotoCommand : IRequest<Unit>, ITransactionalRequest;

public sealed class DeleteProfilePhotoHandler(ImageStorage storage, IRepository<User> users, ICurrentUser currentUser,
    IUnitOfWork unitOfWork) : IRequestHandler<DeleteProfilePhotoCommand, Unit>
{
    public async Task<Unit> Handle(DeleteProfilePhotoCommand request, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        var user = await UploadProfilePhotoHandler.LockedAsync(users, caller.UserId, cancellationToken);
        var previous = user.ReplaceProfilePhoto(null) ?? throw new NotFoundException("You have no profile photo.");
        await storage.DeleteAsync(previous, cancellationToken);
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
