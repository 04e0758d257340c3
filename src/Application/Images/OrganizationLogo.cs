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
public sealed record UploadOrganizationLogoCommand(Guid OrganizationId, UploadedFile File) : IRequest<StoredImageDto>;

/// <summary>
/// Checked, then processed with no transaction open; the transaction then locks the organization's row, so
/// uploads that replace the same logo at once queue there and the last to commit stands (ADR 0016).
/// </summary>
public sealed class UploadOrganizationLogoHandler(ImageStorage storage, IRepository<Organization> organizations,
    ICurrentUser currentUser, IUnitOfWork unitOfWork) : IRequestHandler<UploadOrganizationLogoCommand, StoredImageDto>
{
    public async Task<StoredImageDto> Handle(UploadOrganizationLogoCommand request, CancellationToken cancellationToken)
    {
        var id = new OrganizationId(request.OrganizationId);
        await EnsureManagedAsync(organizations, currentUser, id, cancellationToken);
        var processed = await storage.ProcessAsync(request.File, cancellationToken);
        return await unitOfWork.InTransactionAsync(async () =>
        {
            var organization = await LockedAsync(organizations, id, cancellationToken);
            var image = await storage.ReplaceAsync(processed, organization.ReplaceLogo, cancellationToken);

            await unitOfWork.SaveChangesAsync(cancellationToken);
            return ImageStorage.Describe(image);
        }, cancellationToken);
    }

    /// <summary>404 if the organization is unknown, 403 if the caller may not manage its logo.</summary>
    internal static async Task EnsureManagedAsync(IRepository<Organization> organizations, ICurrentUser currentUser,
        OrganizationId id, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        if (!await organizations.AnyAsync(new OrganizationByIdSpec(id), cancellationToken))
        {
            throw NotFoundException.For("Organization", id.Value);
        }

        if (!caller.IsSuperAdmin && (caller.Role != UserRole.Admin || caller.OrganizationId != id))
        {
            throw new ForbiddenAccessException("Only this organization's admins may change its logo.");
        }
    }

    /// <summary>The organization, read only once this transaction holds its row lock.</summary>
    internal static async Task<Organization> LockedAsync(IRepository<Organization> organizations, OrganizationId id,
        CancellationToken cancellationToken) =>
        await organizations.LockAsync(id.Value, cancellationToken)
            ? (await organizations.FirstOrDefaultAsync(new OrganizationByIdSpec(id), cancellationToken))!
            : throw NotFoundException.For("Organization", id.Value);
}

public sealed record DeleteOrganizationLogoCommand(Guid OrganizationId) : IRequest<Unit>, ITransactionalRequest;

public sealed class DeleteOrganizationLogoHandler(ImageStorage storage, IRepository<Organization> organizations,
    ICurrentUser currentUser, IUnitOfWork unitOfWork) : IRequestHandler<DeleteOrganizationLogoCommand, Unit>
{
    public async Task<Unit> Handle(DeleteOrganizationLogoCommand request, CancellationToken cancellationToken)
    {
        var id = new OrganizationId(request.OrganizationId);
        await UploadOrganizationLogoHandler.EnsureManagedAsync(organizations, currentUser, id, cancellationToken);
        var organization = await UploadOrganizationLogoHandler.LockedAsync(organizations, id, cancellationToken);
        var previous = organization.ReplaceLogo(null) ?? throw new NotFoundException("The organization has no logo.");
        await storage.DeleteAsync(previous, cancellationToken);
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
