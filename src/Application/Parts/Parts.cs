using AbParts.Application.Common.Specifications;
using AbParts.Domain.Parts;
using AbParts.Application.Common.Mappings;
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
    public PartByIdSpec(PartId id) => Where(p => p.Id == id);
}

public sealed class PartByNumberSpec : Specification<Part>
{
    public PartByNumberSpec(PartNumber number) => Where(p => p.PartNumber == number);
}

public sealed class PartsPageSpec : Specification<Part>
{
    public PartsPageSpec(int page, int pageSize)
    {
        OrderByAscending(p => p.PartNumber);
        Page(page, pageSize);
        ReadOnly();
    }
}
