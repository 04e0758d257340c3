using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Common;
using Ardalis.Specification;

namespace AbParts.Application.UnitTests.Support;

/// <summary>
/// An <see cref="IRepository{T}"/> over a list, evaluated by Ardalis' in-memory evaluator: its criteria and
/// paging steps, and an ordering step that orders value objects as the database does.
/// </summary>
public sealed class InMemoryRepository<T> : IRepository<T> where T : class, IAggregateRoot
{
    private readonly List<T> _items = [];
    private readonly List<(Guid Id, int ReadsBefore)> _locks = [];

    public InMemoryRepository(params T[] seed) => _items.AddRange(seed);

    public IReadOnlyList<T> Items => _items;

    /// <summary>How many queries were answered, so a test can tell whether something happened before the first read.</summary>
    public int Reads { get; private set; }

    /// <summary>Plays a change that another request commits just before the next single-row query runs.</summary>
    public Func<Task>? BeforeFirstOrDefault { get; set; }

    public async Task<T?> FirstOrDefaultAsync(ISpecification<T> specification, CancellationToken cancellationToken)
    {
        if (BeforeFirstOrDefault is { } change)
        {
            await change();
        }

        return Evaluate(specification).FirstOrDefault();
    }

    public Task<IReadOnlyList<T>> ListAsync(ISpecification<T> specification, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<T>>(Evaluate(specification).ToList());

    public Task<int> CountAsync(ISpecification<T> specification, CancellationToken cancellationToken) =>
        Task.FromResult(Matching(specification).Count());

    public Task<bool> AnyAsync(ISpecification<T> specification, CancellationToken cancellationToken) =>
        Task.FromResult(Matching(specification).Any());

    /// <summary>Each row lock taken: the id, and how many queries had been answered before it.</summary>
    public IReadOnlyList<(Guid Id, int ReadsBefore)> Locks => _locks;

    /// <summary>Plays a change that another request committed while this one waited for the lock.</summary>
    public Action<T>? WhileLocking { get; set; }

    public Task<bool> LockAsync(Guid id, CancellationToken cancellationToken)
    {
        _locks.Add((id, Reads));
        var locked = _items.FirstOrDefault(item => IdOf(item) == id);
        if (locked is not null)
        {
            WhileLocking?.Invoke(locked);
        }

        return Task.FromResult(locked is not null);
    }

    public void Add(T aggregate) => _items.Add(aggregate);

    public void Remove(T aggregate) => _items.Remove(aggregate);

    /// <summary>The aggregate's id: every aggregate root has an <c>Id</c> wrapping a <see cref="Guid"/> <c>Value</c>.</summary>
    private static Guid IdOf(T item)
    {
        var id = typeof(T).GetProperty("Id")!.GetValue(item)!;
        return (Guid)id.GetType().GetProperty("Value")!.GetValue(id)!;
    }

    private static readonly InMemorySpecificationEvaluator Evaluator =
        new([WhereEvaluator.Instance, DatabaseOrderEvaluator.Instance, PaginationEvaluator.Instance]);

    private IEnumerable<T> Matching(ISpecification<T> specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        Reads++;
        return _items.Where(specification.IsSatisfiedBy);
    }

    private IEnumerable<T> Evaluate(ISpecification<T> specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        Reads++;
        return Evaluator.Evaluate(_items, specification);
    }

    /// <summary>Ardalis' ordering step with <see cref="KeyComparer"/>: value objects are not comparable in memory.</summary>
    private sealed class DatabaseOrderEvaluator : IInMemoryEvaluator
    {
        public static readonly DatabaseOrderEvaluator Instance = new();

        public IEnumerable<TItem> Evaluate<TItem>(IEnumerable<TItem> query, ISpecification<TItem> specification)
        {
            IOrderedEnumerable<TItem>? ordered = null;
            foreach (var order in specification.OrderExpressions)
            {
                var key = order.KeySelectorFunc;
                ordered = (ordered, order.OrderType) switch
                {
                    (null, OrderTypeEnum.OrderBy) => query.OrderBy(key, KeyComparer.Instance),
                    (null, OrderTypeEnum.OrderByDescending) => query.OrderByDescending(key, KeyComparer.Instance),
                    (not null, OrderTypeEnum.ThenBy) => ordered.ThenBy(key, KeyComparer.Instance),
                    (not null, OrderTypeEnum.ThenByDescending) => ordered.ThenByDescending(key, KeyComparer.Instance),
                    _ => throw new InvalidOperationException($"{order.OrderType} out of place in {specification.GetType().Name}."),
                };
            }

            return ordered ?? query;
        }
    }

    /// <summary>
    /// Orders keys as the database would: comparable values by themselves, value objects (which the
    /// database stores as their primitive) by their text, ordinally.
    /// </summary>
    private sealed class KeyComparer : IComparer<object?>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(object? x, object? y) => (x, y) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            (IComparable comparable, _) when x.GetType() == y.GetType() => comparable.CompareTo(y),
            _ => string.CompareOrdinal(x.ToString(), y.ToString()),
        };
    }
}
