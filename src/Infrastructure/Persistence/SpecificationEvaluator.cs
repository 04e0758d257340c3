using AbParts.Application.Common.Specifications;
using Microsoft.EntityFrameworkCore;

namespace AbParts.Infrastructure.Persistence;

/// <summary>Turns a <see cref="Specification{T}"/> into an EF Core query.</summary>
internal static class SpecificationEvaluator
{
    /// <param name="forCount">Criteria only: counting ignores includes, ordering and paging.</param>
    public static IQueryable<T> Apply<T>(IQueryable<T> source, Specification<T> specification, bool forCount = false)
        where T : class
    {
        var query = specification.Criteria.Aggregate(source, (q, criterion) => q.Where(criterion));
        if (forCount)
        {
            return query;
        }

        query = specification.Includes.Aggregate(query, (q, include) => q.Include(include));
        if (specification.AsNoTracking)
        {
            query = query.AsNoTracking();
        }

        if (specification.OrderBy.Count > 0)
        {
            var (firstKey, firstDescending) = specification.OrderBy[0];
            var ordered = firstDescending ? query.OrderByDescending(firstKey) : query.OrderBy(firstKey);
            foreach (var (key, descending) in specification.OrderBy.Skip(1))
            {
                ordered = descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);
            }

            query = ordered;
        }

        if (specification.Skip is { } skip)
        {
            query = query.Skip(skip);
        }

        return specification.Take is { } take ? query.Take(take) : query;
    }
}
