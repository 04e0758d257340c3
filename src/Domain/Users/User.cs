using System.Buffers.Text;
using System.Security.Cryptography;
using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Organizations;

namespace AbParts.Domain.Users;

public readonly record struct UserId(Guid Value)
{
    public static UserId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

/// <summary>A person who signs in. Holds only a password hash, never the password.</summary>
public sealed class User : IAggregateRoot
{
    private User() { } // EF Core

    private User(UserId id, Username username, string passwordHash, UserRole role, OrganizationId organizationId,
        DateTimeOffset createdAt)
    {
        Id = id;
        Username = username;
        PasswordHash = passwordHash;
        Role = role;
        OrganizationId = organizationId;
        CreatedAt = createdAt;
        SecurityStamp = NewSecurityStamp();
    }

    /// <summary>Length of a security stamp: 128 random bits in base64url without padding.</summary>
    public const int SecurityStampLength = 22;

    public UserId Id { get; private set; }

    public Username Username { get; private set; } = null!;

    public string PasswordHash { get; private set; } = string.Empty;

    public UserRole Role { get; private set; }

    public OrganizationId OrganizationId { get; private set; }

    /// <summary>The profile photo stored in PostgreSQL, if any.</summary>
    public ImageAssetId? ProfilePhotoImageId { get; private set; }

    /// <summary>Where the old system kept the photo file; read by the import command and kept for rollback.</summary>
    public string? ProfilePhotoUrl { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// Changes whenever what a token says about the user stops being true (a new password, another role).
    /// Tokens carry the stamp they were issued with; one that no longer matches is refused.
    /// </summary>
    public string SecurityStamp { get; private set; } = string.Empty;

    public static User Create(Username username, string passwordHash, UserRole role, OrganizationId organizationId,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        if (!Enum.IsDefined(role))
        {
            throw new DomainException($"Unknown role '{role}'.");
        }

        if (organizationId.Value == Guid.Empty)
        {
            throw new DomainException("A user must belong to an organization.");
        }

        return new User(UserId.New(), username, passwordHash, role, organizationId, now);
    }

    public bool IsSuperAdmin => Role == UserRole.SuperAdmin;

    /// <summary>Sets a new password (its hash); the tokens issued before stop working.</summary>
    public void ChangePasswordHash(string passwordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        PasswordHash = passwordHash;
        SecurityStamp = NewSecurityStamp();
    }

    /// <summary>Stores the same password hashed with stronger settings; tokens keep working.</summary>
    public void RehashPassword(string passwordHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        PasswordHash = passwordHash;
    }

    /// <summary>Gives the user another role; the tokens issued before stop working. The same role changes nothing.</summary>
    public void ChangeRole(UserRole role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new DomainException($"Unknown role '{role}'.");
        }

        if (role != Role)
        {
            Role = role;
            SecurityStamp = NewSecurityStamp();
        }
    }

    /// <summary>Sets a new profile photo and returns the one it replaces, which the caller deletes.</summary>
    public ImageAssetId? ReplaceProfilePhoto(ImageAssetId? photo)
    {
        var previous = ProfilePhotoImageId;
        ProfilePhotoImageId = photo;
        return previous;
    }

    private static string NewSecurityStamp() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
