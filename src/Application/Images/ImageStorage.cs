using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Images;
using Ardalis.Specification;
using Microsoft.Extensions.Options;

namespace AbParts.Application.Images;

/// <summary>An uploaded file as the HTTP layer hands it over; its name and declared type are claims, informational only.</summary>
/// <param name="ContentType">The type the client declared, if any: a claim to check against the bytes, never trusted alone.</param>
public sealed record UploadedFile(string FileName, long Length, Stream Content, string? ContentType = null);

/// <summary>What an upload answers: the stored rendition's facts. The HTTP layer adds the served URL.</summary>
public sealed record StoredImageDto(Guid ImageId, int Width, int Height, long Size, string ContentType, string Sha256);

/// <summary>
/// The steps every image upload and removal shares. <see cref="ProcessAsync"/> reads the upload within the
/// limit and processes it, with no transaction or connection held (an image job may wait for a worker and
/// take seconds); <see cref="StoreAsync"/> then, inside the command's transaction, stores the image and its
/// thumbnails where the storage policy says. <see cref="DeleteAsync"/> removes an image's bytes.
/// </summary>
public sealed class ImageStorage(IImageProcessor processor, IMediaStores stores, StoragePolicy policy,
    IRepository<ImageAsset> images, IOptions<ImageOptions> options, IClock clock)
{
    public async Task<ProcessedImage> ProcessAsync(UploadedFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var settings = options.Value;
        var input = await ReadAsync(file, settings.MaxInputBytes, cancellationToken);
        return await processor.ProcessAsync(input, settings, cancellationToken);
    }

    /// <summary>Stores a processed image and its thumbnails; call it inside the transaction that writes the rows.</summary>
    public async Task<ImageAsset> StoreAsync(ProcessedImage processed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(processed);
        var backend = policy.Choose(MediaKind.Image, processed.Image.Bytes.Length);
        var image = ImageAsset.Create(processed.Image.Bytes, new ImageMetadata(processed.Image.Width, processed.Image.Height),
            backend, clock.UtcNow);
        await SaveAsync(stores.Resolve(backend), image.Location.Key, processed.Image.Bytes, cancellationToken);
        foreach (var (size, thumbnail) in processed.Thumbnails.OrderBy(t => t.Key))
        {
            var added = image.AddThumbnail(size, thumbnail.Bytes, new ImageMetadata(thumbnail.Width, thumbnail.Height));
            await SaveAsync(stores.Resolve(added.Location.Backend), added.Location.Key, thumbnail.Bytes, cancellationToken);
        }

        images.Add(image);
        return image;
    }

    /// <summary>
    /// Stores a processed image as an owner's one image (a photo, a logo): <paramref name="replace"/> points the
    /// owner at it and answers the image it held before, which is then deleted with its bytes.
    /// </summary>
    public async Task<ImageAsset> ReplaceAsync(ProcessedImage processed, Func<ImageAssetId?, ImageAssetId?> replace,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replace);
        var image = await StoreAsync(processed, cancellationToken);
        if (replace(image.Id) is { } previous)
        {
            await DeleteAsync(previous, cancellationToken);
        }

        return image;
    }

    /// <summary>Removes the image with this id and all its stored bytes; nothing if it is already gone.</summary>
    public async Task DeleteAsync(ImageAssetId id, CancellationToken cancellationToken)
    {
        var image = await images.FirstOrDefaultAsync(new ImageByIdSpec(id), cancellationToken);
        if (image is null)
        {
            return;
        }

        foreach (var location in image.StoredObjects)
        {
            await stores.Resolve(location.Backend).DeleteAsync(location.Key, cancellationToken);
        }

        images.Remove(image);
    }

    public static StoredImageDto Describe(ImageAsset image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new StoredImageDto(image.Id.Value, image.Width, image.Height, image.ByteSize, image.ContentType,
            image.Sha256.Value);
    }

    private static async Task SaveAsync(IMediaStore store, string key, byte[] bytes, CancellationToken cancellationToken)
    {
        await using var content = new MemoryStream(bytes, writable: false);
        await store.SaveAsync(key, content, ImageLimits.StoredContentType, cancellationToken);
    }

    /// <summary>
    /// Reads the whole upload, refusing it as soon as it is known to exceed <paramref name="limit"/>. One
    /// buffer of the declared size (a multipart file's length is exact), read into directly and handed to
    /// the decoder as it is: a 5 MB photograph costs 5 MB, not a growing copy and then another.
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>> ReadAsync(UploadedFile file, long limit, CancellationToken cancellationToken)
    {
        if (file.Length > limit)
        {
            throw TooLarge(file.Length, limit);
        }

        var buffer = new byte[file.Length > 0 ? file.Length : Math.Min(limit, UnknownLengthBuffer)];
        var length = 0;
        var probe = new byte[1];
        while (true)
        {
            if (length < buffer.Length)
            {
                var read = await file.Content.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return buffer.AsMemory(0, length);
                }

                length += read;
                continue;
            }

            // Full: the declared length was short, or unknown. Grow only if more really comes.
            if (await file.Content.ReadAsync(probe, cancellationToken) == 0)
            {
                return buffer;
            }

            if (length + 1L > limit)
            {
                throw TooLarge(length + 1L, limit);
            }

            Array.Resize(ref buffer, (int)Math.Min(limit, buffer.Length * 2L));
            buffer[length++] = probe[0];
        }
    }

    private const int UnknownLengthBuffer = 256 * 1024;

    private static PayloadTooLargeException TooLarge(long size, long limit) =>
        new($"The image is {size:N0} bytes or more; the limit is {limit:N0} bytes.");
}

public sealed class ImageByIdSpec : Specification<ImageAsset>
{
    /// <param name="readOnly">Untracked, so that a later read in the same unit of work sees the rows afresh.</param>
    public ImageByIdSpec(ImageAssetId id, bool readOnly = false)
    {
        Query.Where(i => i.Id == id)
            .Include(i => i.Thumbnails)
            .AsNoTracking(readOnly);
    }
}
