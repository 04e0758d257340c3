using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Models;
using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Domain.Organizations;
using AutoMapper;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Organizations;

public sealed record ListOrganizationsQuery(int Page = 1, int PageSize = Paging.DefaultPageSize)
    : IRequest<PagedList<OrganizationDto>>, IPagedQuery;

public sealed class ListOrganizationsValidator : AbstractValidator<ListOrganizationsQuery>
{
    public ListOrganizationsValidator() => this.AddPagingRules();
}

/// <summary>Super admins list every organization; everyone else gets a page holding only their own.</summary>
public sealed class ListOrganizationsHandler(IRepository<Organization> organizations, ICurrentUser currentUser,
    IMapper mapper, ImageVersions versions) : IRequestHandler<ListOrganizationsQuery, PagedList<OrganizationDto>>
{
    public async Task<PagedList<OrganizationDto>> Handle(ListOrganizationsQuery request,
        CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new Common.Exceptions.ForbiddenAccessException();
        var spec = new OrganizationsPageSpec(caller.IsSuperAdmin ? null : caller.OrganizationId, request.Page,
            request.PageSize);
        var items = await organizations.ListAsync(spec, cancellationToken);
        var total = await organizations.CountAsync(spec, cancellationToken);
        return new PagedList<OrganizationDto>(await OrganizationDto.ListAsync(items, mapper, versions, cancellationToken),
            request.Page, request.PageSize, total);
    }
}
