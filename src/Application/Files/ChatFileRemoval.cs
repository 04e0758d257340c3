using AbParts.Application.Common.Abstractions;
using AbParts.Application.Images;
using AbParts.Domain.Files;
using AbParts.Domain.Media;

namespace AbParts.Application.Files;

/// <summary>
/// Removes chat files in two steps: inside the transaction, the row, the thumbnail image and bytes kept in
/// PostgreSQL (they commit or roll back with it); after the commit, bytes in the video store, which no
/// transaction covers. A failure of the second step leaves an orphan that the sweep removes.
/// </summary>
public sealed class ChatFileRemoval(IRepository<ChatFile> files, ImageStorage images, IMediaStores stores)
{
    /// <summary>Call inside the transaction; returns where bytes remain to delete once it has committed, if anywhere.</summary>
    public async Task<StorageLocation?> RemoveAsync(ChatFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        files.Remove(file);
        if (file.ThumbnailImageId is { } thumbnail)
        {
            await images.DeleteAsync(thumbnail, cancellationToken);
        }

        if (file.Location.Backend != StorageBackend.Postgres)
        {
            return file.Location;
        }

        await stores.Resolve(StorageBackend.Postgres).DeleteAsync(file.Location.Key, cancellationToken);
        return null;
    }

    /// <summary>Call after the commit, for what <see cref="RemoveAsync"/> returned.</summary>
    public Task DeleteCommittedAsync(StorageLocation location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        return stores.Resolve(location.Backend).DeleteAsync(location.Key, cancellationToken);
    }
}
