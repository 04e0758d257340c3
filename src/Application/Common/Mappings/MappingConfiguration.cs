using AbParts.Domain.Images;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using System.Reflection;
using AutoMapper;

namespace AbParts.Application.Common.Mappings;

/// <summary>
/// The single AutoMapper configuration. Maps go one way only, from our entities to flat response
/// DTOs (never from requests to entities, never self-referencing), which keeps AutoMapper 8's
/// deep-graph stack overflow (GHSA-rvv3-g6hj-g44x) out of reach; a test enforces the flatness.
/// </summary>
public static class MappingConfiguration
{
    /// <summary>Every profile of this assembly: <see cref="ValueObjectProfile"/> and the ones nested in DTOs.</summary>
    public static MapperConfiguration Create() => new(cfg =>
    {
        MappingProfile.ForgetSourceExtensionMethods((Profile)cfg);
        cfg.AddProfiles(typeof(MappingConfiguration).Assembly);
    });
}

/// <summary>Strongly typed ids and value objects travel as their primitive value.</summary>
public sealed class ValueObjectProfile : MappingProfile
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

/// <summary>
/// The base of every profile. AutoMapper 8 collects each profile's LINQ extension methods (private ones
/// included) and instantiates every generic one for each generic interface a mapped type implements.
/// On .NET 10, <c>Enumerable</c> has private constrained helpers (<c>MaxInteger&lt;T&gt;</c>), so any
/// record (which implements <c>IEquatable&lt;T&gt;</c>) makes the configuration throw. We map no
/// extension methods, so the list is emptied. See ADR 0001.
/// </summary>
public abstract class MappingProfile : Profile
{
    private static readonly FieldInfo SourceExtensionMethods =
        typeof(Profile).GetField("_sourceExtensionMethods", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("AutoMapper's Profile no longer has _sourceExtensionMethods; revisit ADR 0001.");

    protected MappingProfile() => ForgetSourceExtensionMethods(this);

    internal static void ForgetSourceExtensionMethods(Profile profile) =>
        ((List<MethodInfo>)SourceExtensionMethods.GetValue(profile)!).Clear();
}
