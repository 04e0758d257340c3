using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Organizations;
using AbParts.Application.Parts;
using AbParts.Application.Users;
using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using Ardalis.Specification;
using Microsoft.Extensions.Options;

namespace AbParts.Application.Images;

/// <summary>
/// The decision for one owner of <see cref="ImportLegacyImagesCommand"/>. What is done is read from the owner and
/// from the import's ledger (<see cref="ILegacyImageLedger"/>): a URL the ledger holds is already done, even if its
/// image was removed since. As for uploads (ADR 0016), the files left to do are read and processed first, with no
/// transaction open; one transaction then takes the owner's row lock, reads the owner and the ledger again, and
/// stores the images with their ledger records, skipping whatever another writer did meanwhile.
/// </summary>
public sealed class LegacyImageImporter(ImageStorage storage, ILegacyImageLedger ledger, IRepository<User> users,
    IRepository<Organization> organizations, IRepository<Part> parts, IUnitOfWork unitOfWork, IOptions<ImageOptions> options,
    IClock clock)
{
    public Task<IReadOnlyList<LegacyImageItem>> ImportAsync(ILegacyMediaRoot root, LegacyImageOwner owner, bool dryRun,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(owner);
        return owner.Kind switch
        {
            LegacyImageOwnerKind.User => SingleAsync(root, owner, dryRun, users, new UserByIdSpec(new UserId(owner.Id)),
                u => u.ProfilePhotoUrl, u => u.ProfilePhotoImageId is not null, u => u.ReplaceProfilePhoto, cancellationToken),
            LegacyImageOwnerKind.Organization => SingleAsync(root, owner, dryRun, organizations,
                new OrganizationByIdSpec(new OrganizationId(owner.Id)),
                o => o.LogoUrl, o => o.LogoImageId is not null, o => o.ReplaceLogo, cancellationToken),
            LegacyImageOwnerKind.Part => GalleryAsync(root, owner, dryRun, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(owner), owner.Kind, "Unknown kind of owner."),
        };
    }

    /// <summary>A profile photo or a logo: one URL, one image, done once the owner has an image or the ledger has the URL.</summary>
    private async Task<IReadOnlyList<LegacyImageItem>> SingleAsync<T>(ILegacyMediaRoot root, LegacyImageOwner owner, bool dryRun,
        IRepository<T> repository, ISpecification<T> byId, Func<T, string?> urlOf, Func<T, bool> hasImage,
        Func<T, Func<ImageAssetId?, ImageAssetId?>> replace, CancellationToken cancellationToken)
        where T : class, IAggregateRoot
    {
        var entity = await repository.FirstOrDefaultAsync(byId, cancellationToken);
        if (entity is null || string.IsNullOrWhiteSpace(urlOf(entity)))
        {
            return [Gone(owner)];
        }

        var url = urlOf(entity)!;
        if (hasImage(entity))
        {
            return [new LegacyImageItem(owner, url, LegacyImageOutcome.AlreadyDone)];
        }

        if (Imported(await ledger.OfAsync(owner, cancellationToken), 0, url))
        {
            return [new LegacyImageItem(owner, url, LegacyImageOutcome.AlreadyDone, RemovedSince)];
        }

        var (failure, processed) = await PrepareAsync(root, owner, url, dryRun, cancellationToken);
        if (failure is not null)
        {
            return [failure];
        }

        if (processed is null)
        {
            return [new LegacyImageItem(owner, url, LegacyImageOutcome.Migrated)]; // dry run
        }

        var outcome = await unitOfWork.InTransactionAsync(async () =>
        {
            if (!await repository.LockAsync(owner.Id, cancellationToken)
                || await repository.FirstOrDefaultAsync(byId, cancellationToken) is not { } locked)
            {
                return LegacyImageOutcome.Gone;
            }

            if (hasImage(locked) || Imported(await ledger.OfAsync(owner, cancellationToken), 0, url))
            {
                return LegacyImageOutcome.AlreadyDone;
            }

            var image = await storage.ReplaceAsync(processed, replace(locked), cancellationToken);
            await ledger.RecordAsync(owner, new LegacyImageRecord(0, url, image.Id, clock.UtcNow), cancellationToken);
            await unitOfWork.SaveChangesAsync(cancellationToken);
            return LegacyImageOutcome.Migrated;
        }, cancellationToken);
        return [new LegacyImageItem(owner, url, outcome)];
    }

    /// <summary>
    /// A part: its URLs become its gallery in their order, as many as <see cref="ImageOptions.MaxImagesPerPart"/>
    /// allows. The files that fail are left out and reported; a later run adds them once they are fixed, and puts
    /// the imported images back in the legacy order. A gallery filled another way (uploads) is left alone.
    /// </summary>
    private async Task<IReadOnlyList<LegacyImageItem>> GalleryAsync(ILegacyMediaRoot root, LegacyImageOwner owner, bool dryRun,
        CancellationToken cancellationToken)
    {
        var byId = new PartByIdSpec(new PartId(owner.Id));
        var part = await parts.FirstOrDefaultAsync(byId, cancellationToken);
        var urls = part is null ? [] : LegacyUrls(part);
        if (part is null || urls.Count == 0)
        {
            return [Gone(owner)];
        }

        var records = await ledger.OfAsync(owner, cancellationToken);
        if (part.ImageCount > 0 && records.Count == 0)
        {
            return [.. urls.Select(u => new LegacyImageItem(owner, u.Url, LegacyImageOutcome.AlreadyDone, FilledAnotherWay))];
        }

        var max = options.Value.MaxImagesPerPart;
        var items = new Dictionary<int, LegacyImageItem>();
        var ready = new List<(int Index, string Url, ProcessedImage? Image)>();
        foreach (var (index, url) in urls)
        {
            if (Imported(records, index, url))
            {
                items[index] = new LegacyImageItem(owner, url, LegacyImageOutcome.AlreadyDone);
            }
            else if (part.ImageCount + ready.Count >= max)
            {
                items[index] = GalleryFull(owner, url, max);
            }
            else
            {
                var (failure, processed) = await PrepareAsync(root, owner, url, dryRun, cancellationToken);
                if (failure is not null)
                {
                    items[index] = failure;
                }
                else
                {
                    ready.Add((index, url, processed));
                }
            }
        }

        if (dryRun)
        {
            ready.ForEach(r => items[r.Index] = new LegacyImageItem(owner, r.Url, LegacyImageOutcome.Migrated));
        }
        else if (ready.Count > 0)
        {
            var stored = await unitOfWork.InTransactionAsync(() => StoreGalleryAsync(owner, byId, ready, max, cancellationToken),
                cancellationToken);
            stored.ForEach(item => items[item.Index] = item.Item);
        }

        return [.. urls.Select(u => items[u.Index])];
    }

    /// <summary>Inside the transaction: the processed images appended under the part's lock, then the imported ones put in legacy order.</summary>
    private async Task<List<(int Index, LegacyImageItem Item)>> StoreGalleryAsync(LegacyImageOwner owner, PartByIdSpec byId,
        List<(int Index, string Url, ProcessedImage? Image)> ready, int max, CancellationToken cancellationToken)
    {
        if (!await parts.LockAsync(owner.Id, cancellationToken)
            || await parts.FirstOrDefaultAsync(byId, cancellationToken) is not { } part)
        {
            return [.. ready.Select(r => (r.Index, new LegacyImageItem(owner, r.Url, LegacyImageOutcome.Gone)))];
        }

        var records = await ledger.OfAsync(owner, cancellationToken);
        var anotherWay = part.ImageCount > 0 && records.Count == 0;
        var legacyIndexOf = records.Where(r => r.ImageId is not null).ToDictionary(r => r.ImageId!.Value, r => r.Index);
        var outcomes = new List<(int Index, LegacyImageItem Item)>();
        foreach (var (index, url, processed) in ready)
        {
            if (anotherWay || Imported(records, index, url))
            {
                outcomes.Add((index, new LegacyImageItem(owner, url, LegacyImageOutcome.AlreadyDone, anotherWay ? FilledAnotherWay : "")));
            }
            else if (part.ImageCount >= max)
            {
                outcomes.Add((index, GalleryFull(owner, url, max)));
            }
            else
            {
                var image = await storage.StoreAsync(processed!, cancellationToken);
                part.AddImage(image.Id, max);
                await ledger.RecordAsync(owner, new LegacyImageRecord(index, url, image.Id, clock.UtcNow), cancellationToken);
                legacyIndexOf[image.Id] = index;
                outcomes.Add((index, new LegacyImageItem(owner, url, LegacyImageOutcome.Migrated)));
            }
        }

        // A rerun that fills a gap puts it back in its legacy place: imported images first in legacy order, then
        // any uploaded since, in their order.
        var current = part.Images.Select(i => i.ImageId).ToList();
        var wanted = current.Where(legacyIndexOf.ContainsKey).OrderBy(id => legacyIndexOf[id])
            .Concat(current.Where(id => !legacyIndexOf.ContainsKey(id))).ToList();
        if (!wanted.SequenceEqual(current))
        {
            part.ReorderImages(wanted);
        }

        await unitOfWork.SaveChangesAsync(cancellationToken);
        return outcomes;
    }

    /// <summary>
    /// Reads and processes one file (a dry run only locates it and checks its size): a failed item, or the
    /// processed image (null in a dry run).
    /// </summary>
    private async Task<(LegacyImageItem? Failure, ProcessedImage? Image)> PrepareAsync(ILegacyMediaRoot root,
        LegacyImageOwner owner, string url, bool dryRun, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxInputBytes;
        if (dryRun)
        {
            var located = root.Locate(url);
            return (Failure(owner, url, located) ?? (located.Length > limit ? TooLarge(owner, url, located.Length, limit) : null), null);
        }

        await using var file = root.Open(url);
        if (Failure(owner, url, file) is { } failure)
        {
            return (failure, null);
        }

        try
        {
            return (null, await storage.ProcessAsync(new UploadedFile(file.Name, file.Length, file.Content!), cancellationToken));
        }
        catch (UnsupportedMediaException e)
        {
            return (new LegacyImageItem(owner, url, LegacyImageOutcome.NotAnImage, e.Message), null);
        }
        catch (PayloadTooLargeException)
        {
            return (TooLarge(owner, url, file.Length, limit), null);
        }
        catch (UnprocessableMediaException e)
        {
            return (new LegacyImageItem(owner, url, LegacyImageOutcome.Unprocessable, e.Message), null);
        }
    }

    /// <summary>The part's non-blank legacy URLs with their place in the column, which the ledger records.</summary>
    private static List<(int Index, string Url)> LegacyUrls(Part part) =>
        [.. part.ImageUrls.Select((url, index) => (index, url)).Where(u => !string.IsNullOrWhiteSpace(u.url))];

    private static bool Imported(IReadOnlyList<LegacyImageRecord> records, int index, string url) =>
        records.Any(r => r.Index == index && r.Url == url);

    private static LegacyImageItem? Failure(LegacyImageOwner owner, string url, LegacyFile file) => file.Status switch
    {
        LegacyFileStatus.Found => null,
        LegacyFileStatus.Missing => new LegacyImageItem(owner, url, LegacyImageOutcome.FileMissing, file.Reason),
        LegacyFileStatus.NotAFile => new LegacyImageItem(owner, url, LegacyImageOutcome.NotAnImage, file.Reason),
        _ => new LegacyImageItem(owner, url, LegacyImageOutcome.RefusedPath, file.Reason),
    };

    private static LegacyImageItem TooLarge(LegacyImageOwner owner, string url, long length, long limit) =>
        new(owner, url, LegacyImageOutcome.TooLarge,
            $"the file is {length:N0} bytes; images may be at most {limit:N0} bytes (Images:MaxInputBytes)");

    private static LegacyImageItem GalleryFull(LegacyImageOwner owner, string url, int max) =>
        new(owner, url, LegacyImageOutcome.GalleryFull, $"a part holds at most {max} images (Images:MaxImagesPerPart)");

    private static LegacyImageItem Gone(LegacyImageOwner owner) =>
        new(owner, null, LegacyImageOutcome.Gone, "removed, or its legacy URL cleared, while the import ran");

    private const string RemovedSince = "imported by an earlier run and removed since; not brought back";

    private const string FilledAnotherWay = "the part's gallery was filled by uploads; legacy images are not mixed in";
}
