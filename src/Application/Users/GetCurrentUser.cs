using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Domain.Users;
using AutoMapper;
using MediatR;

namespace AbParts.Application.Users;

/// <summary>The signed-in user: who a client (the web console) is acting as, with their role and organization.</summary>
public sealed record GetCurrentUserQuery : IRequest<UserDto>;

public sealed class GetCurrentUserHandler(IRepository<User> users, ICurrentUser currentUser, IMapper mapper,
    ImageVersions versions) : IRequestHandler<GetCurrentUserQuery, UserDto>
{
    public async Task<UserDto> Handle(GetCurrentUserQuery request, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        var user = await users.FirstOrDefaultAsync(new UserByIdSpec(caller.UserId), cancellationToken)
                   ?? throw NotFoundException.For("User", caller.UserId.Value);
        return await UserDto.OneAsync(user, mapper, versions, cancellationToken);
    }
}
