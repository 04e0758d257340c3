using System.Reflection;
using MediatR;

namespace AbParts.Architecture.Tests;

/// <summary>Commands, queries and handlers follow STYLE §4.</summary>
public sealed class UseCaseConventionTests
{
    private static readonly Type[] Handlers = Layers.Application.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && Implements(t, typeof(IRequestHandler<,>)))
        .ToArray();

    private static readonly Type[] Requests = Layers.All.SelectMany(a => a.GetTypes())
        .Where(t => !t.IsInterface && Implements(t, typeof(IRequest<>)))
        .ToArray();

    private static bool Implements(Type type, Type openInterface) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == openInterface);

    private static bool IsRecord(Type type) =>
        type.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance) is not null
        || type.GetProperty("EqualityContract", BindingFlags.NonPublic | BindingFlags.Instance) is not null;

    private static bool IsHttpType(Type type) =>
        type.Namespace?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true
        || (type.HasElementType && IsHttpType(type.GetElementType()!))
        || type.GetGenericArguments().Any(IsHttpType);

    [Fact]
    public void FindsTheUseCases()
    {
        var names = Handlers.Select(t => t.Name).Concat(Requests.Select(t => t.Name));

        names.Should().Contain(["CreateUserHandler", "CreateUserCommand", "ListPartsQuery", "IssueTokenCommand"]);
    }

    [Fact]
    public void HandlersArePublicAndSealed()
    {
        var offending = Handlers.Where(t => !t.IsPublic || !t.IsSealed).Select(t => t.FullName);

        offending.Should().BeEmpty();
    }

    [Fact]
    public void CommandsAndQueriesAreSealedRecords()
    {
        var offending = Requests.Where(t => !t.IsSealed || !IsRecord(t)).Select(t => t.FullName);

        offending.Should().BeEmpty();
    }

    [Fact]
    public void CommandsAndQueriesLiveInTheApplicationLayer()
    {
        var elsewhere = Requests.Where(t => t.Assembly != Layers.Application).Select(t => t.FullName);

        elsewhere.Should().BeEmpty();
    }

    [Fact]
    public void CommandsAndQueriesCarryNoHttpTypes()
    {
        var offending = Requests
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => IsHttpType(p.PropertyType))
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");

        offending.Should().BeEmpty();
    }

    [Fact]
    public void TheHttpTypeCheckRecognisesAspNetCoreTypes()
    {
        var httpTypes = new[]
        {
            typeof(Microsoft.AspNetCore.Http.IFormFile),
            typeof(List<Microsoft.AspNetCore.Http.IFormFile>),
            typeof(Microsoft.AspNetCore.Http.IFormFile[]),
        };

        httpTypes.Should().OnlyContain(t => IsHttpType(t));
    }
}
