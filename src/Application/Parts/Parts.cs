using AbParts.Application.Common.Mappings;
using AbParts.Application.Common.Security;
using AbParts.Application.Common.Specifications;
using AbParts.Application.Images;
using AbParts.Domain.Parts;
using Ardalis.Specification;
using AutoMapper;

namespace AbParts.Application.Parts;

/// <param name="Gallery">The gallery in order: each image's index and version (every signed-in user reads them).</param>
public sealed record PartDto(Guid Id, string PartNumber, string Name, string? Description, int ImageCount,
    DateTimeOffset CreatedAt, IReadOnlyList<PartImageVersion>? Gallery = null)
{
    /// <summary>The parts as DTOs, each with the versions of its gallery's images.</summary>
    public static async Task<List<PartDto>> ListAsync(IReadOnlyCollection<Part> parts, IMapper mapper,
        ImageVersions versions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(mapper);
        ArgumentNullException.ThrowIfNull(versions);
        var readable = await versions.ReadableAsync(parts
            .SelectMany(p => p.Images)
            .Select(i => (i.ImageId, MediaAudience.SignedInUsers)), cancellationToken);
        return parts.Select(p => mapper.Map<PartDto>(p) with
        {
            Gallery = p.Images
                .Where(i => readable.ContainsKey(i.ImageId))
                .Select(i => new PartImageVersion(i.Position, readable[i.ImageId]))
                .ToList(),
        }).ToList();
    }

    /// <summary>One part as <see cref="ListAsync"/> gives it.</summary>
    public static async Task<PartDto> OneAsync(Part part, IMapper mapper, ImageVersions versions,
        CancellationToken cancellationToken) =>
        (await ListAsync([part], mapper, versions, cancellationToken))[0];

    private sealed class Mapping : Profile
    {
        public Mapping() => CreateMap<Part, PartDto>();
    }
}

/// <summary>A gallery image: its index (0 is the first) and its version.</summary>
public sealed record PartImageVersion(int Index, string Version);

public sealed class PartByIdSpec : Specification<Part>
{
    /// <param name="readOnly">Untracked, so that a later read in the same unit of work sees the row afresh.</param>
    public PartByIdSpec(PartId id, bool readOnly = false) => Query.Where(p => p.Id == id).AsNoTracking(readOnly);
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
