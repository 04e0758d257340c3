using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Specifications;
using AbParts.Domain.Common;

namespace AbParts.Application.UnitTests.Support;

/// <summary>
/// An <see cref="IRepository{T}"/> over a list: criteria through <see cref="Specification{T}.IsSatisfiedBy"/>,
/// ordering, skip and take compiled from the specification's expressions.
/// </summary>
public sealed class InMemoryRepository<T> : IRepository<T> where T : class, IAggregateRoot
{
    private readonly List<T> _items = [];
    private readonly List<(Guid Id, int ReadsBefore)> _locks = [];

    public InMemoryRepository(params T[] seed) => _items.AddRange(seed);

    public IReadOnlyList<T> Items => _items;

    /// <summary>How many queries were answered, so a test can tell whether something happened before the first read.</summary>
    public int Reads { get; private set; }

    public Task<T?> FirstOrDefaultAsync(Specification<T> specification, CancellationToken cancellationToken) =>
        Task.FromResult(Evaluate(specification).FirstOrDefault());

    public Task<IReadOnlyList<T>> ListAsync(Specification<T> specification, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<T>>(Evaluate(specification).ToList());

    public Task<int> CountAsync(Specification<T> specification, CancellationToken cancellationToken) =>
        Task.FromResult(Matching(specification).Count());

    public Task<bool> AnyAsync(Specification<T> specification, CancellationToken cancellationToken) =>
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

    private IEnumerable<T> Matching(Specification<T> specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        Reads++;
        return _items.Where(specification.IsSatisfiedBy);
    }

    private IEnumerable<T> Evaluate(Specification<T> specification)
    {
        IEnumerable<T> query = Matching(specification);
        IOrderedEnumerable<T>? ordered = null;
        foreach (var (key, descending) in specification.OrderBy)
        {
            var selector = key.Compile();
            ordered = (ordered, descending) switch
            {
                (null, false) => query.OrderBy(selector, KeyComparer.Instance),
                (null, true) => query.OrderByDescending(selector, KeyComparer.Instance),
                (_, false) => ordered.ThenBy(selector, KeyComparer.Instance),
                (_, true) => ordered.ThenByDescending(selector, KeyComparer.Instance),
            };
        }

        query = ordered ?? query;
        if (specification.Skip is { } skip)
        {
            query = query.Skip(skip);
        }

        if (specification.Take is { } take)
        {
            query = query.Take(take);
        }

        return query;
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
