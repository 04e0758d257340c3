using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Behaviors;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Users;
using AbParts.Domain.Users;
using MediatR;

namespace AbParts.Application.Images;

/// <summary>Sets the caller's own profile photo, replacing (and deleting) the previous one.</summary>
public sealed record UploadProfilePhotoCommand(UploadedFile File) : IRequest<StoredImageDto>, ITransactionalRequest;

public sealed class UploadProfilePhotoHandler(ImageStorage storage, IRepository<User> users, ICurrentUser currentUser,
    IUnitOfWork unitOfWork) : IRequestHandler<UploadProfilePhotoCommand, StoredImageDto>
{
    public async Task<StoredImageDto> Handle(UploadProfilePhotoCommand request, CancellationToken cancellationToken)
    {
        var user = await CallerAsync(users, currentUser, cancellationToken);
        var image = await storage.StoreAsync(request.File, cancellationToken);
        if (user.ReplaceProfilePhoto(image.Id) is { } previous)
        {
            await storage.DeleteAsync(previous, cancellationToken);
        }

        await unitOfWork.SaveChangesAsync(cancellationToken);
        return ImageStorage.Describe(image);
    }

    internal static async Task<User> CallerAsync(IRepository<User> users, ICurrentUser currentUser,
        CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        return await users.FirstOrDefaultAsync(new UserByIdSpec(caller.UserId), cancellationToken)
               ?? throw new ForbiddenAccessException("Your account no longer exists.");
    }
}

/// <summary>Removes the caller's profile photo.</summary>
public sealed record DeleteProfilePhotoCommand : IRequest<Unit>, ITransactionalRequest;

public sealed class DeleteProfilePhotoHandler(ImageStorage storage, IRepository<User> users, ICurrentUser currentUser,
    IUnitOfWork unitOfWork) : IRequestHandler<DeleteProfilePhotoCommand, Unit>
{
    public async Task<Unit> Handle(DeleteProfilePhotoCommand request, CancellationToken cancellationToken)
    {
        var user = await UploadProfilePhotoHandler.CallerAsync(users, currentUser, cancellationToken);
        var previous = user.ReplaceProfilePhoto(null) ?? throw new NotFoundException("You have no profile photo.");
        await storage.DeleteAsync(previous, cancellationToken);
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
