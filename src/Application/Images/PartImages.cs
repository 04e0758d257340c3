using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Behaviors;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Parts;
using AbParts.Domain.Parts;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Options;
using ValidationException = AbParts.Application.Common.Exceptions.ValidationException;

namespace AbParts.Application.Images;

/// <summary>Appends one or several images to a part's gallery, in the order given.</summary>
public sealed record AddPartImagesCommand(Guid PartId, IReadOnlyList<UploadedFile> Files)
    : IRequest<IReadOnlyList<PartImageDto>>;

public sealed record PartImageDto(int Index, StoredImageDto Image);

public sealed class AddPartImagesValidator : AbstractValidator<AddPartImagesCommand>
{
    public AddPartImagesValidator(IOptions<ImageOptions> options) =>
        RuleFor(c => c.Files).NotEmpty().WithMessage("Send at least one 'file'.")
            .Must(f => f.Count <= options.Value.MaxImagesPerPart)
            .WithMessage($"A part holds at most {options.Value.MaxImagesPerPart} images.");
}

public sealed class AddPartImagesHandler(ImageStorage storage, IRepository<Part> parts, IOptions<ImageOptions> options,
    IUnitOfWork unitOfWork) : IRequestHandler<AddPartImagesCommand, IReadOnlyList<PartImageDto>>
{
    public async Task<IReadOnlyList<PartImageDto>> Handle(AddPartImagesCommand request, CancellationToken cancellationToken)
    {
        var id = new PartId(request.PartId);
        if (!await parts.AnyAsync(new PartByIdSpec(id), cancellationToken))
        {
            throw NotFoundException.For("Part", request.PartId);
        }

        // Every image is processed before the transaction opens; it then holds the part's gallery lock only
        // for the count check and the writes. A concurrent add to the same part waits there and then counts
        // these images too, so the maximum holds and positions stay unique (ADRs 0010, 0016).
        var processed = new List<ProcessedImage>(request.Files.Count);
        foreach (var file in request.Files)
        {
            processed.Add(await storage.ProcessAsync(file, cancellationToken));
        }

        return await unitOfWork.InTransactionAsync(async () =>
        {
            var part = await PartImageRules.LockedPartAsync(parts, request.PartId, cancellationToken);
            var max = options.Value.MaxImagesPerPart;
            if (part.ImageCount + processed.Count > max)
            {
                throw new ValidationException("file",
                    $"The part has {part.ImageCount} images; adding {processed.Count} would exceed the maximum of {max}.");
            }

            var added = new List<PartImageDto>();
            foreach (var image in processed)
            {
                var stored = await storage.StoreAsync(image, cancellationToken);
                part.AddImage(stored.Id, max);
                added.Add(new PartImageDto(part.ImageCount - 1, ImageStorage.Describe(stored)));
            }

            await unitOfWork.SaveChangesAsync(cancellationToken);
            return (IReadOnlyList<PartImageDto>)added;
        }, cancellationToken);
    }
}

/// <summary>Removes the image at <paramref name="Index"/>; the ones after it move up.</summary>
public sealed record RemovePartImageCommand(Guid PartId, int Index) : IRequest<Unit>, ITransactionalRequest;

public sealed class RemovePartImageHandler(ImageStorage storage, IRepository<Part> parts,
    IUnitOfWork unitOfWork) : IRequestHandler<RemovePartImageCommand, Unit>
{
    public async Task<Unit> Handle(RemovePartImageCommand request, CancellationToken cancellationToken)
    {
        var part = await PartImageRules.LockedPartAsync(parts, request.PartId, cancellationToken);
        PartImageRules.EnsureIndex(part, request.Index);
        var removed = part.RemoveImageAt(request.Index);
        await unitOfWork.SaveChangesAsync(cancellationToken); // the gallery row goes before the image it references
        await storage.DeleteAsync(removed, cancellationToken);
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}

/// <summary>Reorders the gallery: <paramref name="Order"/> lists the current indexes in their new order.</summary>
public sealed record ReorderPartImagesCommand(Guid PartId, IReadOnlyList<int> Order) : IRequest<int>, ITransactionalRequest;

public sealed class ReorderPartImagesValidator : AbstractValidator<ReorderPartImagesCommand>
{
    public ReorderPartImagesValidator() =>
        RuleFor(c => c.Order).NotNull()
            .Must(o => o.Distinct().Count() == o.Count).WithMessage("'order' must not repeat an index.");
}

public sealed class ReorderPartImagesHandler(IRepository<Part> parts, IUnitOfWork unitOfWork)
    : IRequestHandler<ReorderPartImagesCommand, int>
{
    public async Task<int> Handle(ReorderPartImagesCommand request, CancellationToken cancellationToken)
    {
        var part = await PartImageRules.LockedPartAsync(parts, request.PartId, cancellationToken);
        var count = part.ImageCount;
        if (request.Order.Count != count || request.Order.Any(i => i < 0 || i >= count))
        {
            throw new ValidationException("order",
                $"'order' must list each of the part's current indexes 0 to {count - 1} exactly once.");
        }

        part.ReorderImages(request.Order.Select(part.ImageAt).ToList());
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return count;
    }
}

/// <summary>How many images a part's gallery holds.</summary>
public sealed record CountPartImagesQuery(Guid PartId) : IRequest<int>;

public sealed class CountPartImagesHandler(IRepository<Part> parts) : IRequestHandler<CountPartImagesQuery, int>
{
    public async Task<int> Handle(CountPartImagesQuery request, CancellationToken cancellationToken) =>
        (await PartImageRules.PartAsync(parts, request.PartId, cancellationToken)).ImageCount;
}

internal static class PartImageRules
{
    /// <param name="readOnly">See <see cref="PartByIdSpec"/>.</param>
    public static async Task<Part> PartAsync(IRepository<Part> parts, Guid id, CancellationToken cancellationToken,
        bool readOnly = false) =>
        await parts.FirstOrDefaultAsync(new PartByIdSpec(new PartId(id), readOnly), cancellationToken)
        ?? throw NotFoundException.For("Part", id);

    /// <summary>
    /// The part of a gallery change, read only once this transaction holds the part's row lock (its gallery lock), so
    /// that concurrent changes of one part run one after the other and none works on a stale gallery.
    /// </summary>
    public static async Task<Part> LockedPartAsync(IRepository<Part> parts, Guid id, CancellationToken cancellationToken) =>
        await parts.LockAsync(id, cancellationToken)
            ? await PartAsync(parts, id, cancellationToken)
            : throw NotFoundException.For("Part", id);

    public static void EnsureIndex(Part part, int index)
    {
        if (index < 0 || index >= part.ImageCount)
        {
            throw new NotFoundException(part.ImageCount == 0
                ? "The part has no images."
                : $"The part has no image at index {index}; indexes run from 0 to {part.ImageCount - 1}.");
        }
    }
}
