using AbParts.Application.Common.Abstractions;
using Microsoft.AspNetCore.Identity;

namespace AbParts.Infrastructure.Identity;

/// <summary>
/// ASP.NET Core's PasswordHasher (PBKDF2-HMAC-SHA512, 100 000 iterations, salted; format v3), at most
/// <see cref="PasswordHashingLimit"/> at a time.
/// </summary>
internal sealed class AspNetPasswordHasher(PasswordHashingLimit limit) : IPasswordHasher
{
    private static readonly PasswordHasher<Account> Hasher = new();
    private static readonly Account Anyone = new();

    public string Hash(string password)
    {
        using var slot = limit.Enter();
        return Hasher.HashPassword(Anyone, password);
    }

    public PasswordCheck Verify(string hash, string password)
    {
        using var slot = limit.Enter();
        try
        {
            return Hasher.VerifyHashedPassword(Anyone, hash, password) switch
            {
                PasswordVerificationResult.Success => PasswordCheck.Success,
                PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.SuccessRehashNeeded,
                _ => PasswordCheck.Failed,
            };
        }
        catch (FormatException)
        {
            return PasswordCheck.Failed; // a stored hash that is not one of ours never authenticates
        }
    }

    /// <summary>The hasher's user type; the v3 format does not use it.</summary>
    private sealed class Account;
}
