using System.Reflection;
using AbParts.Domain.Common;

namespace AbParts.Architecture.Tests;

/// <summary>Aggregates change only through their methods and can still be materialized by EF Core (STYLE §5).</summary>
public sealed class DomainModelTests
{
    private static readonly Type[] Aggregates = Layers.Domain.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IAggregateRoot).IsAssignableFrom(t))
        .ToArray();

    [Fact]
    public void FindsTheAggregates()
    {
        var names = Aggregates.Select(t => t.Name);

        names.Should().Contain(["Organization", "User", "Part", "ImageAsset"]);
    }

    [Fact]
    public void AggregatesHaveNoPublicSetters()
    {
        var settable = Aggregates
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");

        settable.Should().BeEmpty();
    }

    [Fact]
    public void EntitiesInsideAggregatesHaveNoPublicSetters()
    {
        var entities = Layers.Domain.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false }
                        && !typeof(Exception).IsAssignableFrom(t)
                        && t.GetMethod("<Clone>$") is null
                        && !t.Name.StartsWith('<'))
            .ToList();

        var settable = entities
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");

        entities.Select(t => t.Name).Should().Contain("ImageThumbnail", "the check must see the entities inside aggregates");
        settable.Should().BeEmpty();
    }

    [Fact]
    public void AggregatesHaveAPrivateParameterlessConstructor()
    {
        var without = Aggregates
            .Where(t => t.GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes) is not { IsPrivate: true })
            .Select(t => t.Name);

        without.Should().BeEmpty();
    }

    [Fact]
    public void AggregatesHaveNoPublicConstructor()
    {
        var constructible = Aggregates
            .Where(t => t.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Length > 0)
            .Select(t => t.Name);

        constructible.Should().BeEmpty("aggregates are made by their Create factory");
    }

    [Fact]
    public void AggregatesExposeNoMutableCollections()
    {
        var mutable = Aggregates
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.PropertyType.IsGenericType
                        && p.PropertyType.GetGenericTypeDefinition() is var definition
                        && (definition == typeof(List<>) || definition == typeof(ICollection<>)
                            || definition == typeof(IList<>) || definition == typeof(HashSet<>)))
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");

        mutable.Should().BeEmpty();
    }
}
