using System.Linq.Expressions;
using Ardalis.Specification;
using Microsoft.EntityFrameworkCore;

namespace AbParts.Infrastructure.Persistence;

/// <summary>
/// Turns an Ardalis <see cref="ISpecification{T}"/> into an EF Core query. Criteria, ordering and paging go
/// through the package's own queryable evaluators; includes and tracking are EF Core's, whose evaluator
/// package is not served here (ADR 0023). Features the specifications do not use are refused, not ignored.
/// </summary>
internal static class SpecificationEvaluator
{
    /// <param name="forCount">Criteria only: counting ignores includes, ordering and paging.</param>
    public static IQueryable<T> Apply<T>(IQueryable<T> source, ISpecification<T> specification, bool forCount = false)
        where T : class
    {
        RefuseUnsupported(specification);
        var query = WhereEvaluator.Instance.GetQuery(source, specification);
        if (forCount)
        {
            return query;
        }

        query = specification.IncludeExpressions
            .Aggregate(query, (q, include) => q.Include(PathOf(include.LambdaExpression)));
        if (specification.AsNoTracking)
        {
            query = query.AsNoTracking();
        }

        query = OrderEvaluator.Instance.GetQuery(query, specification);
        return PaginationEvaluator.Instance.GetQuery(query, specification);
    }

    private static void RefuseUnsupported<T>(ISpecification<T> specification)
    {
        if (specification.IncludeExpressions.Any(i => i.Type != IncludeTypeEnum.Include)
            || specification.IncludeStrings.Any()
            || specification.SearchCriterias.Any()
            || specification.PostProcessingAction is not null
            || specification.AsTracking
            || specification.AsSplitQuery
            || specification.AsNoTrackingWithIdentityResolution
            || specification.IgnoreQueryFilters
            || specification.IgnoreAutoIncludes)
        {
            throw new NotSupportedException(
                $"{specification.GetType().Name} uses a specification feature this evaluator does not implement "
                + "(it knows Where, OrderBy/ThenBy, simple Include, Skip/Take and AsNoTracking).");
        }
    }

    /// <summary>The navigation path of a simple include such as <c>i =&gt; i.Thumbnails</c>.</summary>
    private static string PathOf(LambdaExpression include)
    {
        var names = new Stack<string>();
        var body = include.Body;
        while (body is UnaryExpression { NodeType: ExpressionType.Convert } convert)
        {
            body = convert.Operand;
        }

        while (body is MemberExpression member)
        {
            names.Push(member.Member.Name);
            body = member.Expression;
        }

        return body == include.Parameters[0] && names.Count > 0
            ? string.Join('.', names)
            : throw new NotSupportedException($"Include {include} is not a chain of navigation properties.");
    }
}
