using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Behaviors;
using AbParts.Application.Images;
using AbParts.Domain.Users;
using AutoMapper;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Users;

/// <summary>Gives a user another role (super admins, not on themselves). The user's earlier tokens stop working.</summary>
public sealed record ChangeUserRoleCommand(Guid UserId, string Role) : IRequest<UserDto>, ITransactionalRequest;

public sealed class ChangeUserRoleValidator : AbstractValidator<ChangeUserRoleCommand>
{
    public ChangeUserRoleValidator() => RuleFor(c => c.Role).KnownRole();
}

public sealed class ChangeUserRoleHandler(UserAdministration administration, IUnitOfWork unitOfWork, IMapper mapper,
    ImageVersions versions)
    : IRequestHandler<ChangeUserRoleCommand, UserDto>
{
    public async Task<UserDto> Handle(ChangeUserRoleCommand request, CancellationToken cancellationToken)
    {
        var user = await administration.LockTargetAsync(request.UserId, cancellationToken);
        user.ChangeRole(UserRoleNames.Parse(request.Role));
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return await UserDto.OneAsync(user, mapper, versions, cancellationToken);
    }
}
