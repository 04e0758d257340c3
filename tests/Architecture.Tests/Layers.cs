using System.Reflection;
using AbParts.Application.Users;
using AbParts.Domain.Parts;
using AbParts.Infrastructure.Persistence;
using AbParts.WebApi;

namespace AbParts.Architecture.Tests;

/// <summary>The four production assemblies and the names of what they reference.</summary>
internal static class Layers
{
    public static readonly Assembly Domain = typeof(Part).Assembly;
    public static readonly Assembly Application = typeof(CreateUserCommand).Assembly;
    public static readonly Assembly Infrastructure = typeof(AbPartsDbContext).Assembly;
    public static readonly Assembly WebApi = typeof(WebApp).Assembly;

    public static IReadOnlyList<Assembly> All { get; } = [Domain, Application, Infrastructure, WebApi];

    public static IReadOnlyList<string> ReferencedNames(this Assembly assembly) =>
        assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

    public static bool StartsWithAny(this string name, params string[] prefixes) =>
        prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
}
