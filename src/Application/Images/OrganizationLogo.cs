using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Behaviors;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Organizations;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using MediatR;

namespace AbParts.Application.Images;

/// <summary>Sets an organization's logo: its admins, or a super admin.</summary>
public sealed record UploadOrganizationLogoCommand(Guid OrganizationId, UploadedFile File)
    : IRequest<StoredImageDto>, ITransactionalRequest;

public sealed class UploadOrganizationLogoHandler(ImageStorage storage, IRepository<Organization> organizations,
    ICurrentUser currentUser, IUnitOfWork unitOfWork) : IRequestHandler<UploadOrganizationLogoCommand, StoredImageDto>
{
    public async Task<StoredImageDto> Handle(UploadOrganizationLogoCommand request, CancellationToken cancellationToken)
    {
        var organization = await ManagedAsync(organizations, currentUser, request.OrganizationId, cancellationToken);
        var image = await storage.StoreAsync(request.File, cancellationToken);
        if (organization.ReplaceLogo(image.Id) is { } previous)
        {
            await storage.DeleteAsync(previous, cancellationToken);
        }

        await unitOfWork.SaveChangesAsync(cancellationToken);
        return ImageStorage.Describe(image);
    }

    /// <summary>The organization, if the caller may manage its logo; 404 if unknown, 403 if not theirs to manage.</summary>
    internal static async Task<Organization> ManagedAsync(IRepository<Organization> organizations, ICurrentUser currentUser,
        Guid id, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        var organization = await organizations.FirstOrDefaultAsync(new OrganizationByIdSpec(new OrganizationId(id)),
                               cancellationToken)
                           ?? throw NotFoundException.For("Organization", id);
        var allowed = caller.IsSuperAdmin || (caller.Role == UserRole.Admin && caller.OrganizationId == organization.Id);
        return allowed ? organization : throw new ForbiddenAccessException("Only this organization's admins may change its logo.");
    }
}

public sealed record DeleteOrganizationLogoCommand(Guid OrganizationId) : IRequest<Unit>, ITransactionalRequest;

public sealed class DeleteOrganizationLogoHandler(ImageStorage storage, IRepository<Organization> organizations,
    ICurrentUser currentUser, IUnitOfWork unitOfWork) : IRequestHandler<DeleteOrganizationLogoCommand, Unit>
{
    public async Task<Unit> Handle(DeleteOrganizationLogoCommand request, CancellationToken cancellationToken)
    {
        var organization = await UploadOrganizationLogoHandler.ManagedAsync(organizations, currentUser,
            request.OrganizationId, cancellationToken);
        var previous = organization.ReplaceLogo(null) ?? throw new NotFoundException("The organization has no logo.");
        await storage.DeleteAsync(previous, cancellationToken);
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
