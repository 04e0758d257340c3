using System.Reflection;

namespace AbParts.Application.UnitTests.Common;

/// <summary>
/// Walks the type graph of a set of maps: from each destination type through the public properties whose
/// type (or element type) itself takes part in a map. A type met twice on one path is a recursion, the
/// shape that AutoMapper 8's stack overflow (GHSA-rvv3-g6hj-g44x) needs.
/// </summary>
public static class MappingGraph
{
    public static IReadOnlyList<string> Recursions(IReadOnlyCollection<(Type Source, Type Destination)> maps)
    {
        ArgumentNullException.ThrowIfNull(maps);
        var mapped = maps.SelectMany(m => new[] { m.Source, m.Destination }).ToHashSet();
        var found = new List<string>();
        foreach (var (_, destination) in maps)
        {
            Walk(destination, [destination], mapped, found);
        }

        return found.Distinct().ToList();
    }

    private static void Walk(Type type, List<Type> path, HashSet<Type> mapped, List<string> found)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0);
        foreach (var property in properties)
        {
            var next = Unwrap(property.PropertyType);
            if (!mapped.Contains(next))
            {
                continue;
            }

            if (path.Contains(next))
            {
                found.Add(string.Join(" -> ", path.Append(next).Select(t => t.Name)));
                continue;
            }

            path.Add(next);
            Walk(next, path, mapped, found);
            path.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>The type a property really carries: the element of a collection, the value of a nullable.</summary>
    private static Type Unwrap(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return underlying;
        }

        if (type == typeof(string))
        {
            return type;
        }

        if (type.IsArray)
        {
            return Unwrap(type.GetElementType()!);
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable is null ? type : Unwrap(enumerable.GetGenericArguments()[0]);
    }
}
