using AbParts.Application.Common.Mappings;
using AbParts.Application.Common.Specifications;
using AbParts.Domain.Organizations;
using Ardalis.Specification;
using AutoMapper;

namespace AbParts.Application.Organizations;

public sealed record OrganizationDto(Guid Id, string Name, DateTimeOffset CreatedAt)
{
    private sealed class Mapping : Profile
    {
        public Mapping() => CreateMap<Organization, OrganizationDto>();
    }
}

public sealed class OrganizationByIdSpec : Specification<Organization>
{
    public OrganizationByIdSpec(OrganizationId id) => Query.Where(o => o.Id == id);
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
