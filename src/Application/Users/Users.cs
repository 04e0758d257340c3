using AbParts.Application.Common.Mappings;
using AbParts.Application.Common.Specifications;
using AbParts.Domain.Organizations;
using AbParts.Domain.Users;
using Ardalis.Specification;
using AutoMapper;

namespace AbParts.Application.Users;

public sealed record UserDto(Guid Id, string Username, string Role, Guid OrganizationId, DateTimeOffset CreatedAt)
{
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
