using AbParts.Application.Common.Specifications;
using AbParts.Domain.Common;

namespace AbParts.Application.Common.Abstractions;

/// <summary>
/// Loads and saves aggregates; queries are expressed as specifications. Like every port that reaches the
/// database, it fails with <see cref="Exceptions.DependencyUnavailableException"/> when the database cannot
/// be reached and with <see cref="Exceptions.ConflictException"/> when it gave up on a deadlock or a
/// serialization failure.
/// </summary>
public interface IRepository<T> where T : class, IAggregateRoot
{
    Task<T?> FirstOrDefaultAsync(Specification<T> specification, CancellationToken cancellationToken);

    Task<IReadOnlyList<T>> ListAsync(Specification<T> specification, CancellationToken cancellationToken);

    /// <summary>Counts what the specification matches, ignoring its paging and ordering.</summary>
    Task<int> CountAsync(Specification<T> specification, CancellationToken cancellationToken);

    Task<bool> AnyAsync(Specification<T> specification, CancellationToken cancellationToken);

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
