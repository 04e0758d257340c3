using System.Linq.Expressions;

namespace AbParts.Application.Common.Specifications;

/// <summary>
/// A query as data: criteria, includes, ordering and paging, evaluated by the persistence adapter
/// (<c>SpecificationEvaluator</c> in Infrastructure).
/// Subclasses name the question they answer (<c>UserByUsernameSpec</c>).
/// </summary>
public abstract class Specification<T>
{
    private readonly List<Expression<Func<T, bool>>> _criteria = [];
    private readonly List<(Expression<Func<T, object?>> Key, bool Descending)> _orderBy = [];
    private readonly List<Expression<Func<T, object?>>> _includes = [];

    public IReadOnlyList<Expression<Func<T, bool>>> Criteria => _criteria;

    public IReadOnlyList<(Expression<Func<T, object?>> Key, bool Descending)> OrderBy => _orderBy;

    /// <summary>Related data to load with the aggregate, such as an image's bytes.</summary>
    public IReadOnlyList<Expression<Func<T, object?>>> Includes => _includes;

    public int? Skip { get; private set; }

    public int? Take { get; private set; }

    /// <summary>Read-only queries skip change tracking.</summary>
    public bool AsNoTracking { get; private set; }

    protected void Where(Expression<Func<T, bool>> criterion) => _criteria.Add(criterion);

    protected void OrderByAscending(Expression<Func<T, object?>> key) => _orderBy.Add((key, false));

    protected void OrderByDescending(Expression<Func<T, object?>> key) => _orderBy.Add((key, true));

    protected void Page(int page, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(page);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        Skip = (page - 1) * pageSize;
        Take = pageSize;
    }

    protected void ReadOnly() => AsNoTracking = true;

    protected void Include(Expression<Func<T, object?>> navigation) => _includes.Add(navigation);

    /// <summary>Whether an object already in memory meets every criterion (for in-memory ports in tests).</summary>
    public bool IsSatisfiedBy(T candidate) => _criteria.All(c => c.Compile()(candidate));
}
