using System.Security.Claims;
using AbParts.Application.Common.Security;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;

namespace AbParts.WebApi.Auth;

/// <summary>The claims an AbParts bearer token carries.</summary>
public static class AbPartsClaims
{
    public const string Subject = "sub";
    public const string Organization = "org";
    public const string Role = "role";
    public const string Name = "name";
    public const string TokenId = "jti";

    /// <summary>The user's security stamp when the token was issued; a token whose stamp is no longer current is refused.</summary>
    public const string SecurityStamp = "stamp";

    /// <summary>Reads the caller from a validated principal; <c>null</c> if any claim is missing or malformed.</summary>
    public static Caller? ToCaller(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return Guid.TryParse(principal.FindFirstValue(Subject), out var user)
               && Guid.TryParse(principal.FindFirstValue(Organization), out var organization)
               && UserRoleNames.TryParse(principal.FindFirstValue(Role), out var role)
            ? new Caller(new UserId(user), new OrganizationId(organization), role)
            : null;
    }
}

/// <summary>The caller of the current HTTP request.</summary>
internal sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    public Caller? Caller => accessor.HttpContext?.User.ToCaller();

    /// <remarks>Any of the request's identities: with a bearer token beside the signed URL, the bearer identity comes first.</remarks>
    public bool HasSignedUrl => accessor.HttpContext?.User.Identities
        .Any(i => i is { IsAuthenticated: true, AuthenticationType: SignedUrlAuthenticationHandler.SchemeName }) == true;
}

public static class Policies
{
    public const string SuperAdmin = "super_admin";

    /// <summary>Reading media: a bearer token or a signed URL.</summary>
    public const string MediaReader = "media_reader";
}
