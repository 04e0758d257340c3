namespace AbParts.Architecture.Tests;

/// <summary>Dependencies point inwards only (STYLE §2), read from each assembly's metadata (KG).</summary>
public sealed class LayerDependencyTests
{
    [Fact]
    public void TheReferencesAreReadFromTheBuiltAssemblies()
    {
        var application = Layers.Application.ReferencedNames();
        var infrastructure = Layers.Infrastructure.ReferencedNames();

        application.Should().Contain(["AbParts.Domain", "MediatR"]);
        infrastructure.Should().Contain(["AbParts.Application", "Microsoft.EntityFrameworkCore", "Npgsql"]);
    }

    [Fact]
    public void DomainReferencesNoOtherLayer()
    {
        var references = Layers.Domain.ReferencedNames();

        references.Should().NotContain(["AbParts.Application", "AbParts.Infrastructure", "AbParts.WebApi"]);
    }

    [Fact]
    public void DomainReferencesNoEntityFrameworkCore()
    {
        var references = Layers.Domain.ReferencedNames();

        references.Should().NotContain(name => name.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
    }

    [Fact]
    public void DomainReferencesNeitherMediatRNorAutoMapperNorFluentValidation()
    {
        var references = Layers.Domain.ReferencedNames();

        references.Should().NotContain(name => name.StartsWithAny("MediatR", "AutoMapper", "FluentValidation"));
    }

    [Fact]
    public void DomainReferencesOnlyTheFramework()
    {
        var references = Layers.Domain.ReferencedNames();

        references.Should().OnlyContain(name =>
            name.StartsWithAny("System", "Microsoft.Win32") || name == "netstandard" || name == "mscorlib");
    }

    [Fact]
    public void ApplicationReferencesNeitherInfrastructureNorWebApi()
    {
        var references = Layers.Application.ReferencedNames();

        references.Should().NotContain(["AbParts.Infrastructure", "AbParts.WebApi"]);
    }

    [Fact]
    public void ApplicationReferencesNeitherEntityFrameworkCoreNorNpgsql()
    {
        var references = Layers.Application.ReferencedNames();

        references.Should().NotContain(name => name.StartsWithAny("Microsoft.EntityFrameworkCore", "Npgsql"));
    }

    [Fact]
    public void ApplicationReferencesNoHttpTypes()
    {
        var references = Layers.Application.ReferencedNames();

        references.Should().NotContain(name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void WebApiReferencesNeitherEntityFrameworkCoreNorNpgsql()
    {
        // Infrastructure translates database failures into application exceptions (ADR 0011), so the
        // error handling, like the rest of WebApi, has no provider type to inspect.
        var references = Layers.WebApi.ReferencedNames();

        references.Should().NotContain(name => name.StartsWithAny("Microsoft.EntityFrameworkCore", "Npgsql"));
    }

    [Fact]
    public void InfrastructureDoesNotReferenceWebApi()
    {
        var references = Layers.Infrastructure.ReferencedNames();

        references.Should().NotContain("AbParts.WebApi");
    }
}
