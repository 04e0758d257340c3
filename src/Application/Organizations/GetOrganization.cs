using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Domain.Organizations;
using AutoMapper;
using MediatR;

namespace AbParts.Application.Organizations;

public sealed record GetOrganizationQuery(Guid Id) : IRequest<OrganizationDto>;

/// <summary>Super admins see every organization; everyone else sees only their own.</summary>
public sealed class GetOrganizationHandler(IRepository<Organization> organizations, ICurrentUser currentUser,
    IMapper mapper, ImageVersions versions) : IRequestHandler<GetOrganizationQuery, OrganizationDto>
{
    public async Task<OrganizationDto> Handle(GetOrganizationQuery request, CancellationToken cancellationToken)
    {
        var id = new OrganizationId(request.Id);
        var caller = currentUser.Caller;
        var visible = caller is { IsSuperAdmin: true } || caller?.OrganizationId == id;
        var organization = visible
            ? await organizations.FirstOrDefaultAsync(new OrganizationByIdSpec(id), cancellationToken)
            : null;
        return organization is null
            ? throw NotFoundException.For("Organization", request.Id)
            : await OrganizationDto.OneAsync(organization, mapper, versions, cancellationToken);
    }
}
