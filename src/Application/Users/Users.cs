using AbParts.Application.Common.Mappings;
using AbParts.Application.Common.Security;
using AbParts.Application.Common.Specifications;
using AbParts.Application.Images;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using Ardalis.Specification;
using AutoMapper;

namespace AbParts.Application.Users;

/// <param name="ProfilePhotoVersion">The version of the user's profile photo, when there is one and the caller may read it.</param>
public sealed record UserDto(Guid Id, string Username, string Role, Guid OrganizationId, DateTimeOffset CreatedAt,
    string? ProfilePhotoVersion = null)
{
    /// <summary>The users as DTOs, each with the version of its profile photo (read by its organization and super admins).</summary>
    public static async Task<List<UserDto>> ListAsync(IReadOnlyCollection<User> users, IMapper mapper, ImageVersions versions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(mapper);
        ArgumentNullException.ThrowIfNull(versions);
        var photoVersion = await versions.OfEachAsync(users, u => u.ProfilePhotoImageId,
            u => MediaAudience.MembersOf(u.OrganizationId), cancellationToken);
        return users.Select(u => mapper.Map<UserDto>(u) with { ProfilePhotoVersion = photoVersion(u) }).ToList();
    }

    /// <summary>One user as <see cref="ListAsync"/> gives it.</summary>
    public static async Task<UserDto> OneAsync(User user, IMapper mapper, ImageVersions versions,
        CancellationToken cancellationToken) =>
        (await ListAsync([user], mapper, versions, cancellationToken))[0];

    private sealed class Mapping : Profile
    {
        public Mapping() => CreateMap<User, UserDto>();
    }
}

public sealed class UserByIdSpec : Specification<User>
{
    /// <param name="readOnly">Untracked, so that a later read in the same unit of work (after a lock) sees the row afresh.</param>
    public UserByIdSpec(UserId id, bool readOnly = false)
    {
        Query.Where(u => u.Id == id)
            .AsNoTracking(readOnly);
    }
}

public sealed class UserByUsernameSpec : Specification<User>
{
    public UserByUsernameSpec(Username username) => Query.Where(u => u.Username == username);
}

public sealed class SuperAdminsSpec : Specification<User>
{
    public SuperAdminsSpec() => Query.Where(u => u.Role == UserRole.SuperAdmin);
}

/// <summary>A page of users by username; <paramref name="organization"/> limits it to one organization.</summary>
public sealed class UsersPageSpec : Specification<User>
{
    public UsersPageSpec(OrganizationId? organization, int page, int pageSize)
    {
        if (organization is { } id)
        {
            Query.Where(u => u.OrganizationId == id);
        }

        Query.OrderBy(u => u.Username);
        Query.Page(page, pageSize)
            .AsNoTracking();
    }
}
