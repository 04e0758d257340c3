using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Parts;
using Microsoft.EntityFrameworkCore;

namespace AbParts.Infrastructure.Persistence.Repositories;

/// <summary>
/// The gallery lock is PostgreSQL's row lock on the part (ADR 0010). <c>FOR NO KEY UPDATE</c> rather
/// than <c>FOR UPDATE</c>: it conflicts with itself, which serialises gallery changes, but not with the
/// key-share lock a foreign-key check takes, so rows referencing the part (its videos) are not held up.
/// Plain reads never wait for it.
/// </summary>
internal sealed class PartGalleryLock(AbPartsDbContext db) : IPartGalleryLock
{
    public async Task<bool> AcquireAsync(PartId partId, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException(
                "A part's gallery lock lasts until the transaction ends, so it needs one: make the command an ITransactionalRequest.");
        }

        var locked = await DatabaseErrors.TranslateAsync(() => db.Database
            .SqlQuery<Guid>($"""SELECT id AS "Value" FROM parts WHERE id = {partId.Value} FOR NO KEY UPDATE""")
            .ToListAsync(cancellationToken));
        return locked.Count > 0;
    }
}
