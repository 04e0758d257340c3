using AbParts.Application.Common.Specifications;
using AbParts.Domain.Organizations;
using AbParts.Application.Common.Mappings;
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
    public OrganizationByIdSpec(OrganizationId id) => Where(o => o.Id == id);
}

public sealed class OrganizationByNameSpec : Specification<Organization>
{
    public OrganizationByNameSpec(string name) => Where(o => o.Name == name);
}

/// <summary>A page of organizations by name; <paramref name="only"/> limits it to one organization.</summary>
public sealed class OrganizationsPageSpec : Specification<Organization>
{
    public OrganizationsPageSpec(OrganizationId? only, int page, int pageSize)
    {
        if (only is { } id)
        {
            Where(o => o.Id == id);
        }

        OrderByAscending(o => o.Name);
        OrderByAscending(o => o.Id);
        Page(page, pageSize);
        ReadOnly();
    }
}
