using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Domain.Users;

namespace AbParts.Application.Users;

/// <summary>
/// Finds the user a super admin is about to change or remove. Super admins manage users as they create them;
/// nobody changes their own role or removes themselves, so the last super admin can never lock everyone out
/// (only a super admin could act on them, and they may not act on themselves).
/// </summary>
public sealed class UserAdministration(IRepository<User> users, ICurrentUser currentUser)
{
    /// <summary>
    /// The target user, read once this transaction holds the row locks of both the caller and the target. Both
    /// rows are locked in one order, so two super admins acting on each other at once queue instead of
    /// deadlocking, and the second finds what the first left: if it took away the caller's role, the caller is refused.
    /// </summary>
    public async Task<User> LockTargetAsync(Guid targetId, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        if (caller.UserId.Value == targetId)
        {
            throw new ForbiddenAccessException("You cannot change your own role or remove yourself; another super admin can.");
        }

        foreach (var id in new[] { caller.UserId.Value, targetId }.Order())
        {
            await users.LockAsync(id, cancellationToken);
        }

        var acting = await users.FirstOrDefaultAsync(new UserByIdSpec(caller.UserId), cancellationToken);
        if (acting is not { IsSuperAdmin: true })
        {
            throw new ForbiddenAccessException("Your role does not allow this operation.");
        }

        return await users.FirstOrDefaultAsync(new UserByIdSpec(new UserId(targetId)), cancellationToken)
               ?? throw NotFoundException.For("User", targetId);
    }
}
