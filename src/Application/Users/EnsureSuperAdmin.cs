using System.Security.Cryptography;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Organizations;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Users;

/// <summary>
/// Makes sure an operator can sign in on a new installation. With no username given, a super admin
/// named <see cref="DefaultUsername"/> is created only while no super admin exists at all; with a
/// username, that user is created, or has its password reset when one is given.
/// </summary>
public sealed record EnsureSuperAdminCommand(string? Username, string? Password, string OrganizationName)
    : IRequest<EnsureSuperAdminResult>
{
    public const string DefaultUsername = "admin";
    public const string DefaultOrganizationName = "AbParts";
}

public sealed record EnsureSuperAdminResult(SuperAdminOutcome Outcome, string Username, string? GeneratedPassword);

public enum SuperAdminOutcome
{
    Created,
    PasswordReset,
    AlreadyPresent,
}

public sealed class EnsureSuperAdminValidator : AbstractValidator<EnsureSuperAdminCommand>
{
    public EnsureSuperAdminValidator()
    {
        RuleFor(c => c.Username).Must(u => Username.TryCreate(u, out _)).When(c => c.Username is not null)
            .WithMessage(Domain.Users.Username.Rule);
        RuleFor(c => c.Password!).StrongPassword().When(c => c.Password is not null);
        RuleFor(c => c.OrganizationName).NotEmpty().MaximumLength(Organization.NameMaxLength);
    }
}

public sealed class EnsureSuperAdminHandler(IRepository<User> users, IRepository<Organization> organizations,
    IPasswordHasher passwordHasher, IUnitOfWork unitOfWork, IClock clock)
    : IRequestHandler<EnsureSuperAdminCommand, EnsureSuperAdminResult>
{
    public async Task<EnsureSuperAdminResult> Handle(EnsureSuperAdminCommand request, CancellationToken cancellationToken)
    {
        var username = Username.Create(request.Username ?? EnsureSuperAdminCommand.DefaultUsername);
        if (request.Username is null)
        {
            var anyone = await users.FirstOrDefaultAsync(new SuperAdminsSpec(), cancellationToken);
            if (anyone is not null)
            {
                return new EnsureSuperAdminResult(SuperAdminOutcome.AlreadyPresent, anyone.Username.Value, null);
            }
        }

        var existing = await users.FirstOrDefaultAsync(new UserByUsernameSpec(username), cancellationToken);
        if (existing is not null)
        {
            return await Reconcile(existing, request.Password, cancellationToken);
        }

        var organization = await organizations.FirstOrDefaultAsync(
            new OrganizationByNameSpec(request.OrganizationName.Trim()), cancellationToken);
        if (organization is null)
        {
            organization = Organization.Create(request.OrganizationName, clock.UtcNow);
            organizations.Add(organization);
        }

        var password = request.Password ?? GeneratePassword();
        users.Add(User.Create(username, passwordHasher.Hash(password), UserRole.SuperAdmin, organization.Id, clock.UtcNow));
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return new EnsureSuperAdminResult(SuperAdminOutcome.Created, username.Value,
            request.Password is null ? password : null);
    }

    private async Task<EnsureSuperAdminResult> Reconcile(User user, string? password, CancellationToken cancellationToken)
    {
        if (!user.IsSuperAdmin)
        {
            throw new ConflictException(
                $"The user '{user.Username}' exists with the role '{user.Role.ToName()}'; choose another super-admin username.");
        }

        if (password is null || passwordHasher.Verify(user.PasswordHash, password) == PasswordCheck.Success)
        {
            return new EnsureSuperAdminResult(SuperAdminOutcome.AlreadyPresent, user.Username.Value, null);
        }

        user.ChangePasswordHash(passwordHasher.Hash(password));
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return new EnsureSuperAdminResult(SuperAdminOutcome.PasswordReset, user.Username.Value, null);
    }

    /// <summary>24 random characters from an unambiguous alphabet (about 140 bits).</summary>
    private static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);
}
