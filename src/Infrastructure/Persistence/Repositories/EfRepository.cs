using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Specifications;
using AbParts.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace AbParts.Infrastructure.Persistence.Repositories;

/// <summary>
/// The one repository: every aggregate is loaded through a specification. Database failures leave it as
/// the application's exceptions (<see cref="DatabaseErrors"/>), so a read during an outage is a 503 too.
/// </summary>
internal sealed class EfRepository<T>(AbPartsDbContext db) : IRepository<T> where T : class, IAggregateRoot
{
    public Task<T?> FirstOrDefaultAsync(Specification<T> specification, CancellationToken cancellationToken) =>
        DatabaseErrors.TranslateAsync(() =>
            SpecificationEvaluator.Apply(db.Set<T>(), specification).FirstOrDefaultAsync(cancellationToken));

    public async Task<IReadOnlyList<T>> ListAsync(Specification<T> specification, CancellationToken cancellationToken) =>
        await DatabaseErrors.TranslateAsync(() =>
            SpecificationEvaluator.Apply(db.Set<T>(), specification).ToListAsync(cancellationToken));

    public Task<int> CountAsync(Specification<T> specification, CancellationToken cancellationToken) =>
        DatabaseErrors.TranslateAsync(() =>
            SpecificationEvaluator.Apply(db.Set<T>(), specification, forCount: true).CountAsync(cancellationToken));

    public Task<bool> AnyAsync(Specification<T> specification, CancellationToken cancellationToken) =>
        DatabaseErrors.TranslateAsync(() =>
            SpecificationEvaluator.Apply(db.Set<T>(), specification, forCount: true).AnyAsync(cancellationToken));

    public void Add(T aggregate) => db.Set<T>().Add(aggregate);

    public void Remove(T aggregate) => db.Set<T>().Remove(aggregate);
}
