using AbParts.Domain.Parts;

namespace AbParts.Application.Common.Abstractions;

/// <summary>
/// Serialises the changes of one part's image gallery. A gallery command takes the lock first and reads
/// the gallery only then, so it sees what every earlier change committed (ADR 0010).
/// </summary>
public interface IPartGalleryLock
{
    /// <summary>
    /// Waits until no other transaction holds the lock of the part, then holds it until the current
    /// transaction ends. Needs an open transaction (the command is an <c>ITransactionalRequest</c>).
    /// </summary>
    /// <returns>Whether the part exists.</returns>
    Task<bool> AcquireAsync(PartId partId, CancellationToken cancellationToken);
}
