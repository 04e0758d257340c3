using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Domain.Users;
using FluentValidation;
using MediatR;
using ValidationException = AbParts.Application.Common.Exceptions.ValidationException;

namespace AbParts.Application.Users;

/// <summary>The caller changes their own password, proving the current one. Their earlier tokens stop working.</summary>
public sealed record ChangePasswordCommand(string CurrentPassword, string NewPassword) : IRequest<Unit>;

public sealed class ChangePasswordValidator : AbstractValidator<ChangePasswordCommand>
{
    public ChangePasswordValidator()
    {
        RuleFor(c => c.CurrentPassword).NotEmpty().MaximumLength(1024);
        RuleFor(c => c.NewPassword).StrongPassword()
            .NotEqual(c => c.CurrentPassword).WithMessage("The new password must differ from the current one.");
    }
}

/// <summary>
/// Both hashes are computed with no transaction open (they cost CPU, not the database); the transaction then
/// locks the caller's row and saves only if the password is still the one checked, so of two changes at
/// once the second, which proved a password that is no longer current, gets 409.
/// </summary>
public sealed class ChangePasswordHandler(IRepository<User> users, ICurrentUser currentUser, IPasswordHasher passwordHasher,
    IUnitOfWork unitOfWork) : IRequestHandler<ChangePasswordCommand, Unit>
{
    public async Task<Unit> Handle(ChangePasswordCommand request, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        var user = await users.FirstOrDefaultAsync(new UserByIdSpec(caller.UserId, readOnly: true), cancellationToken)
                   ?? throw new ForbiddenAccessException("Your account no longer exists.");
        var checkedHash = user.PasswordHash;
        if (passwordHasher.Verify(checkedHash, request.CurrentPassword) == PasswordCheck.Failed)
        {
            throw new ValidationException("current_password", "The current password is incorrect.");
        }

        var newHash = passwordHasher.Hash(request.NewPassword);
        return await unitOfWork.InTransactionAsync(async () =>
        {
            await users.LockAsync(caller.UserId.Value, cancellationToken);
            var locked = await users.FirstOrDefaultAsync(new UserByIdSpec(caller.UserId), cancellationToken)
                         ?? throw new ForbiddenAccessException("Your account no longer exists.");
            if (locked.PasswordHash != checkedHash)
            {
                throw new ConflictException(ConflictException.ConcurrentChange);
            }

            locked.ChangePasswordHash(newHash);
            await unitOfWork.SaveChangesAsync(cancellationToken);
            return Unit.Value;
        }, cancellationToken);
    }
}
