using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Domain.Users;
using AutoMapper;
using MediatR;

namespace AbParts.Application.Users;

public sealed record GetUserQuery(Guid Id) : IRequest<UserDto>;

/// <summary>Super admins see every user; everyone else sees the users of their own organization.</summary>
public sealed class GetUserHandler(IRepository<User> users, ICurrentUser currentUser, IMapper mapper, ImageVersions versions)
    : IRequestHandler<GetUserQuery, UserDto>
{
    public async Task<UserDto> Handle(GetUserQuery request, CancellationToken cancellationToken)
    {
        var user = await users.FirstOrDefaultAsync(new UserByIdSpec(new UserId(request.Id)), cancellationToken);
        var caller = currentUser.Caller;
        var visible = caller is { IsSuperAdmin: true } || caller?.OrganizationId == user?.OrganizationId;
        return user is not null && visible
            ? await UserDto.OneAsync(user, mapper, versions, cancellationToken)
            : throw NotFoundException.For("User", request.Id);
    }
}
