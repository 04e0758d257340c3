using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Models;
using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Domain.Users;
using AutoMapper;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Users;

public sealed record ListUsersQuery(int Page = 1, int PageSize = Paging.DefaultPageSize)
    : IRequest<PagedList<UserDto>>, IPagedQuery;

public sealed class ListUsersValidator : AbstractValidator<ListUsersQuery>
{
    public ListUsersValidator() => this.AddPagingRules();
}

/// <summary>Super admins list every user; everyone else lists the users of their own organization.</summary>
public sealed class ListUsersHandler(IRepository<User> users, ICurrentUser currentUser, IMapper mapper,
    ImageVersions versions)
    : IRequestHandler<ListUsersQuery, PagedList<UserDto>>
{
    public async Task<PagedList<UserDto>> Handle(ListUsersQuery request, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        var spec = new UsersPageSpec(caller.IsSuperAdmin ? null : caller.OrganizationId, request.Page, request.PageSize);
        var items = await users.ListAsync(spec, cancellationToken);
        var total = await users.CountAsync(spec, cancellationToken);
        return new PagedList<UserDto>(await UserDto.ListAsync(items, mapper, versions, cancellationToken), request.Page,
            request.PageSize, total);
    }
}
