using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Organizations;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using AutoMapper;
using FluentValidation;
using MediatR;
using ValidationException = AbParts.Application.Common.Exceptions.ValidationException;

namespace AbParts.Application.Users;

public sealed record CreateUserCommand(string Username, string Password, Guid OrganizationId, string Role)
    : IRequest<UserDto>;

/// <summary>The password rule shared by every use case that sets one.</summary>
public static class PasswordRules
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    public static IRuleBuilderOptions<T, string> StrongPassword<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MinimumLength(MinLength).MaximumLength(MaxLength);
}

/// <summary>The role rule shared by every use case that sets one: one of the wire names.</summary>
public static class RoleRules
{
    public static IRuleBuilderOptions<T, string> KnownRole<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(r => UserRoleNames.TryParse(r, out _))
            .WithMessage($"'role' must be one of: {string.Join(", ", UserRoleNames.All)}.");
}

public sealed class CreateUserValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserValidator()
    {
        RuleFor(c => c.Username).Must(u => Username.TryCreate(u, out _)).WithMessage(Domain.Users.Username.Rule);
        RuleFor(c => c.Password).StrongPassword();
        RuleFor(c => c.OrganizationId).NotEmpty();
        RuleFor(c => c.Role).KnownRole();
    }
}

public sealed class CreateUserHandler(IRepository<User> users, IRepository<Organization> organizations,
    IPasswordHasher passwordHasher, IUnitOfWork unitOfWork, IClock clock, IMapper mapper)
    : IRequestHandler<CreateUserCommand, UserDto>
{
    public async Task<UserDto> Handle(CreateUserCommand request, CancellationToken cancellationToken)
    {
        var username = Username.Create(request.Username);
        var organizationId = new OrganizationId(request.OrganizationId);
        if (!await organizations.AnyAsync(new OrganizationByIdSpec(organizationId), cancellationToken))
        {
            throw new ValidationException("organization_id", $"Organization '{request.OrganizationId}' does not exist.");
        }

        if (await users.AnyAsync(new UserByUsernameSpec(username), cancellationToken))
        {
            throw new ConflictException($"The username '{username}' is taken.");
        }

        var user = User.Create(username, passwordHasher.Hash(request.Password), UserRoleNames.Parse(request.Role),
            organizationId, clock.UtcNow);
        users.Add(user);
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return mapper.Map<UserDto>(user);
    }
}
