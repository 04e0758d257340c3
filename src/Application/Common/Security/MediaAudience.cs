using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.Application.Common.Security;

/// <summary>Who may read a piece of media: it follows who may read its owner. Super admins read everything.</summary>
public abstract record MediaAudience
{
    /// <summary>Every signed-in user: part media and videos, the shared catalogue.</summary>
    public static readonly MediaAudience SignedInUsers = new Everyone();

    /// <summary>The members of one organization: its logo and its users' profile photos.</summary>
    public static MediaAudience MembersOf(OrganizationId organization) => new Members(organization);

    /// <summary>One user: their chat files.</summary>
    public static MediaAudience OwnedBy(UserId owner) => new Owner(owner);

    /// <summary>Whether <paramref name="caller"/> (a bearer token's user, or <c>null</c> when there is none) is in the audience.</summary>
    public static bool Admits(MediaAudience audience, Caller? caller)
    {
        ArgumentNullException.ThrowIfNull(audience);
        return caller is not null && (caller.IsSuperAdmin || audience switch
        {
            Everyone => true,
            Members(var organization) => caller.OrganizationId == organization,
            Owner(var owner) => caller.UserId == owner,
            _ => false,
        });
    }

    private sealed record Everyone : MediaAudience;

    private sealed record Members(OrganizationId Organization) : MediaAudience;

    private sealed record Owner(UserId User) : MediaAudience;
}
