using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Users;
using MediatR;

namespace AbParts.Application.Users;

/// <summary>The user's current security stamp, which a bearer token must carry; <c>null</c> when the user no longer exists.</summary>
public sealed record GetSecurityStampQuery(UserId UserId) : IRequest<string?>;

public sealed class GetSecurityStampHandler(IRepository<User> users) : IRequestHandler<GetSecurityStampQuery, string?>
{
    public async Task<string?> Handle(GetSecurityStampQuery request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await users.FirstOrDefaultAsync(new UserByIdSpec(request.UserId, readOnly: true), cancellationToken);
        return user?.SecurityStamp;
    }
}
