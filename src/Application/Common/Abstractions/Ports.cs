using AbParts.Domain.Common;
using Ardalis.Specification;

namespace AbParts.Application.Common.Abstractions;

/// <summary>
/// Loads and saves aggregates; queries are expressed as specifications. Like every port that reaches the
/// database, it fails with <see cref="Exceptions.DependencyUnavailableException"/> when the database cannot
/// be reached and with <see cref="Exceptions.ConflictException"/> when it gave up on a deadlock or a
/// serialization failure.
/// </summary>
public interface IRepository<T> where T : class, IAggregateRoot
{
    Task<T?> FirstOrDefaultAsync(ISpecification<T> specification, CancellationToken cancellationToken);

    Task<IReadOnlyList<T>> ListAsync(ISpecification<T> specification, CancellationToken cancellationToken);

    /// <summary>Counts what the specification matches, ignoring its paging and ordering.</summary>
    Task<int> CountAsync(ISpecification<T> specification, CancellationToken cancellationToken);

    Task<bool> AnyAsync(ISpecification<T> specification, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the row lock of the aggregate with this id, waiting while another transaction holds it, and
    /// keeps it until the current transaction ends. A command that changes an aggregate others may change at
    /// the same moment (a part's gallery, a user's photo, an organization's logo) takes it first and reads the
    /// aggregate only then, so the changes run one after the other and none works on a stale copy (ADRs 0010,
    /// 0016). Plain reads never wait for it. Needs an open transaction (<see cref="UnitOfWorkExtensions.InTransactionAsync{T}"/>).
    /// </summary>
    /// <returns>Whether the aggregate exists.</returns>
    Task<bool> LockAsync(Guid id, CancellationToken cancellationToken);

    void Add(T aggregate);

    void Remove(T aggregate);
}

/// <summary>Commits the changes of one use case atomically.</summary>
public interface IUnitOfWork
{
    /// <summary>Saves; a unique-key violation surfaces as <see cref="Exceptions.ConflictException"/>.</summary>
    Task SaveChangesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Opens a database transaction that also covers the PostgreSQL media store; <c>null</c> when one is
    /// already open (the outer owner commits). Disposing without committing rolls back.
    /// </summary>
    Task<IUnitOfWorkTransaction?> BeginTransactionAsync(CancellationToken cancellationToken);
}

public interface IUnitOfWorkTransaction : IAsyncDisposable
{
    /// <summary>Commits; a unique key checked only at commit (a deferred constraint) surfaces as <see cref="Exceptions.ConflictException"/>.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

public static class UnitOfWorkExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one database transaction: it commits when the work returns and rolls
    /// back when it throws; inside a transaction already open, the work joins it. The one way commands open
    /// a transaction (<see cref="Behaviors.TransactionBehavior{TRequest,TResponse}"/> uses it too), and
    /// never around media work: decode, probe and copy first, then write the rows here (ADR 0016).
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(this IUnitOfWork unitOfWork, Func<Task<T>> work,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unitOfWork);
        ArgumentNullException.ThrowIfNull(work);
        await using var transaction = await unitOfWork.BeginTransactionAsync(cancellationToken);
        var result = await work();
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return result;
    }
}

/// <summary>Hashes and checks passwords (the adapter uses ASP.NET Core's PasswordHasher).</summary>
public interface IPasswordHasher
{
    string Hash(string password);

    PasswordCheck Verify(string hash, string password);
}

public enum PasswordCheck
{
    Failed,
    Success,
    SuccessRehashNeeded,
}

public interface IClock
{
    DateTimeOffset UtcNow { get; }
}
