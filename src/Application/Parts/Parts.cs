using AbParts.Application.Common.Mappings;
using AbParts.Application.Common.Specifications;
using AbParts.Domain.Parts;
using Ardalis.Specification;
using AutoMapper;

namespace AbParts.Application.Parts;

public sealed record PartDto(Guid Id, string PartNumber, string Name, string? Description, int ImageCount,
    DateTimeOffset CreatedAt)
{
    private sealed class Mapping : Profile
    {
        public Mapping() => CreateMap<Part, PartDto>();
    }
}

public sealed class PartByIdSpec : Specification<Part>
{
    public PartByIdSpec(PartId id) => Query.Where(p => p.Id == id);
}

public sealed class PartByNumberSpec : Specification<Part>
{
    public PartByNumberSpec(PartNumber number) => Query.Where(p => p.PartNumber == number);
}

public sealed class PartsPageSpec : Specification<Part>
{
    public PartsPageSpec(int page, int pageSize)
    {
        Query.OrderBy(p => p.PartNumber);
        Query.Page(page, pageSize)
            .AsNoTracking();
    }
}
