using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Common;
using Ardalis.Specification;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AbParts.Infrastructure.Persistence.Repositories;

/// <summary>
/// The one repository: every aggregate is loaded through a specification. Database failures leave it as
/// the application's exceptions (<see cref="DatabaseErrors"/>), so a read during an outage is a 503 too.
/// </summary>
internal sealed class EfRepository<T>(AbPartsDbContext db) : IRepository<T> where T : class, IAggregateRoot
{
    public Task<T?> FirstOrDefaultAsync(ISpecification<T> specification, CancellationToken cancellationToken) =>
        DatabaseErrors.TranslateAsync(() =>
            SpecificationEvaluator.Apply(db.Set<T>(), specification).FirstOrDefaultAsync(cancellationToken));

    public async Task<IReadOnlyList<T>> ListAsync(ISpecification<T> specification, CancellationToken cancellationToken) =>
        await DatabaseErrors.TranslateAsync(() =>
            SpecificationEvaluator.Apply(db.Set<T>(), specification).ToListAsync(cancellationToken));

    public Task<int> CountAsync(ISpecification<T> specification, CancellationToken cancellationToken) =>
        DatabaseErrors.TranslateAsync(() =>
            SpecificationEvaluator.Apply(db.Set<T>(), specification, forCount: true).CountAsync(cancellationToken));

    public Task<bool> AnyAsync(ISpecification<T> specification, CancellationToken cancellationToken) =>
        DatabaseErrors.TranslateAsync(() =>
            SpecificationEvaluator.Apply(db.Set<T>(), specification, forCount: true).AnyAsync(cancellationToken));

    /// <summary>
    /// <c>FOR NO KEY UPDATE</c> on the aggregate's row rather than <c>FOR UPDATE</c>: it conflicts with itself,
    /// which orders the changes, but not with the key-share lock a foreign-key check takes, so rows that merely
    /// reference the aggregate (a part's videos) are not held up. The table and key column come from the model.
    /// </summary>
    public async Task<bool> LockAsync(Guid id, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException(
                "A row lock lasts until the transaction ends, so it needs one: take it inside IUnitOfWork.InTransactionAsync.");
        }

        var entity = db.Model.FindEntityType(typeof(T))!;
        var key = entity.FindPrimaryKey()!.Properties.Single().GetColumnName();
        var sql = $"""SELECT "{key}" AS "Value" FROM "{entity.GetTableName()}" WHERE "{key}" = @id FOR NO KEY UPDATE""";
        var locked = await DatabaseErrors.TranslateAsync(() => db.Database
            .SqlQueryRaw<Guid>(sql, new NpgsqlParameter("id", id))
            .ToListAsync(cancellationToken));
        return locked.Count > 0;
    }

    public void Add(T aggregate) => db.Set<T>().Add(aggregate);

    public void Remove(T aggregate) => db.Set<T>().Remove(aggregate);
}
