using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.Application.Common.Security;

/// <summary>Who is calling. The web adapter reads it from the validated bearer token.</summary>
public interface ICurrentUser
{
    /// <summary>The caller, or <c>null</c> for an anonymous request.</summary>
    Caller? Caller { get; }

    /// <summary>
    /// Whether the request is authorized by a signed media URL the service issued for exactly this path and
    /// query (to someone allowed to read it); such a request has no <see cref="Caller"/>.
    /// </summary>
    bool HasSignedUrl { get; }
}

public sealed record Caller(UserId UserId, OrganizationId OrganizationId, UserRole Role)
{
    public bool IsSuperAdmin => Role == UserRole.SuperAdmin;
}

/// <summary>
/// Issues the bearer token a signed-in user presents: it speaks for the user's id, organization, role and name,
/// and carries the user's security stamp, so it stops working when the password or role changes.
/// </summary>
public interface IAccessTokenIssuer
{
    /// <summary>A token of the configured lifetime, as sign-in hands out.</summary>
    AccessToken Issue(User user);

    /// <summary>A token of <paramref name="lifetime"/>, as an operator issues one for a script.</summary>
    AccessToken Issue(User user, TimeSpan lifetime);
}

public sealed record AccessToken(string Value, TimeSpan Lifetime);
