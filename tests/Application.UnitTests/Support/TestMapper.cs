using AbParts.Application.Common.Mappings;
using AutoMapper;

namespace AbParts.Application.UnitTests.Support;

/// <summary>The application's one AutoMapper configuration, built once for all tests.</summary>
public static class TestMapper
{
    public static MapperConfiguration Configuration { get; } = MappingConfiguration.Create();

    public static IMapper Instance { get; } = Configuration.CreateMapper();
}
