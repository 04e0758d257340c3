using AbParts.Domain.Images;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using AutoMapper;

namespace AbParts.Application.Common.Mappings;

/// <summary>
/// The single AutoMapper configuration. Maps go one way only, from our entities to flat response
/// DTOs (never from requests to entities, never self-referencing), which keeps the deep-graph stack
/// overflow of AutoMapper before 15.1.4 (GHSA-rvv3-g6hj-g44x) out of reach; a test enforces the flatness.
/// </summary>
public static class MappingConfiguration
{
    /// <summary>Adds every profile of this assembly: <see cref="ValueObjectProfile"/> and the ones nested in DTOs.</summary>
    public static void AddProfiles(IMapperConfigurationExpression configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.AddMaps(typeof(MappingConfiguration).Assembly);
    }

    /// <summary>The configuration alone, for tests of the maps.</summary>
    public static MapperConfiguration Create() => new(AddProfiles);
}

/// <summary>Strongly typed ids and value objects travel as their primitive value.</summary>
public sealed class ValueObjectProfile : Profile
{
    public ValueObjectProfile()
    {
        CreateMap<OrganizationId, Guid>().ConvertUsing(id => id.Value);
        CreateMap<UserId, Guid>().ConvertUsing(id => id.Value);
        CreateMap<PartId, Guid>().ConvertUsing(id => id.Value);
        CreateMap<ImageAssetId, Guid>().ConvertUsing(id => id.Value);
        CreateMap<Username, string>().ConvertUsing(name => name.Value);
        CreateMap<PartNumber, string>().ConvertUsing(number => number.Value);
        CreateMap<ContentHash, string>().ConvertUsing(hash => hash.Value);
        CreateMap<UserRole, string>().ConvertUsing(role => role.ToName());
    }
}
