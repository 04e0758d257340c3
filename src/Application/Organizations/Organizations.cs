using AbParts.Application.Common.Mappings;
using AbParts.Application.Common.Security;
using AbParts.Application.Common.Specifications;
using AbParts.Application.Images;
using AbParts.Domain.Organizations;
using Ardalis.Specification;
using AutoMapper;

namespace AbParts.Application.Organizations;

/// <param name="LogoVersion">The version of the organization's logo, when there is one and the caller may read it.</param>
public sealed record OrganizationDto(Guid Id, string Name, DateTimeOffset CreatedAt, string? LogoVersion = null)
{
    /// <summary>The organizations as DTOs, each with the version of its logo (read by its members and super admins).</summary>
    public static async Task<List<OrganizationDto>> ListAsync(IReadOnlyCollection<Organization> organizations,
        IMapper mapper, ImageVersions versions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        ArgumentNullException.ThrowIfNull(mapper);
        ArgumentNullException.ThrowIfNull(versions);
        var logoVersion = await versions.OfEachAsync(organizations, o => o.LogoImageId, o => MediaAudience.MembersOf(o.Id),
            cancellationToken);
        return organizations.Select(o => mapper.Map<OrganizationDto>(o) with { LogoVersion = logoVersion(o) }).ToList();
    }

    /// <summary>One organization as <see cref="ListAsync"/> gives it.</summary>
    public static async Task<OrganizationDto> OneAsync(Organization organization, IMapper mapper, ImageVersions versions,
        CancellationToken cancellationToken) =>
        (await ListAsync([organization], mapper, versions, cancellationToken))[0];

    private sealed class Mapping : Profile
    {
        public Mapping() => CreateMap<Organization, OrganizationDto>();
    }
}

public sealed class OrganizationByIdSpec : Specification<Organization>
{
    /// <param name="readOnly">Untracked, so that a later read in the same unit of work sees the row afresh.</param>
    public OrganizationByIdSpec(OrganizationId id, bool readOnly = false) => Query.Where(o => o.Id == id).AsNoTracking(readOnly);
}

public sealed class OrganizationByNameSpec : Specification<Organization>
{
    public OrganizationByNameSpec(string name) => Query.Where(o => o.Name == name);
}

/// <summary>A page of organizations by name; <paramref name="only"/> limits it to one organization.</summary>
public sealed class OrganizationsPageSpec : Specification<Organization>
{
    public OrganizationsPageSpec(OrganizationId? only, int page, int pageSize)
    {
        if (only is { } id)
        {
            Query.Where(o => o.Id == id);
        }

        Query.OrderBy(o => o.Name).ThenBy(o => o.Id);
        Query.Page(page, pageSize)
            .AsNoTracking();
    }
}
