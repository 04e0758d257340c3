using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Parts;

namespace AbParts.Application.UnitTests.Support;

/// <summary>
/// An <see cref="IPartGalleryLock"/> over the parts of an <see cref="InMemoryRepository{T}"/>. It notes how
/// many reads of the parts came before each lock, and <see cref="WhileWaiting"/> plays a change that
/// another request committed while this one waited for the lock.
/// </summary>
public sealed class InMemoryPartGalleryLock(InMemoryRepository<Part> parts) : IPartGalleryLock
{
    private readonly List<(PartId Part, int ReadsBefore)> _acquired = [];

    /// <summary>Each lock taken: the part, and how many times the parts had been read before it.</summary>
    public IReadOnlyList<(PartId Part, int ReadsBefore)> Acquired => _acquired;

    public Action<Part>? WhileWaiting { get; set; }

    public Task<bool> AcquireAsync(PartId partId, CancellationToken cancellationToken)
    {
        _acquired.Add((partId, parts.Reads));
        var part = parts.Items.FirstOrDefault(p => p.Id == partId);
        if (part is not null)
        {
            WhileWaiting?.Invoke(part);
        }

        return Task.FromResult(part is not null);
    }
}
