using AbParts.Domain.Common;
using AbParts.Domain.Images;

namespace AbParts.Domain.Parts;

public readonly record struct PartId(Guid Value)
{
    public static PartId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

/// <summary>One image of a part at its place in the part's gallery (0 is the first shown).</summary>
public sealed record PartImage(ImageAssetId ImageId, int Position);

/// <summary>A catalogue part with its ordered image gallery.</summary>
public sealed class Part : IAggregateRoot
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 4000;

    /// <summary>The most images a part can ever hold; configuration may only lower it.</summary>
    public const int MaxImagesCeiling = 50;

    private readonly List<PartImage> _images = [];
#pragma warning disable IDE0044 // EF Core materializes the legacy column into this field
    private List<string> _imageUrls = [];
#pragma warning restore IDE0044

    private Part() { } // EF Core

    private Part(PartId id, PartNumber partNumber, string name, string? description, DateTimeOffset createdAt)
    {
        Id = id;
        PartNumber = partNumber;
        Name = name;
        Description = description;
        CreatedAt = createdAt;
    }

    public PartId Id { get; private set; }

    public PartNumber PartNumber { get; private set; } = null!;

    public string Name { get; private set; } = string.Empty;

    public string? Description { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The gallery in display order; positions run 0..n-1 without gaps.</summary>
    public IReadOnlyList<PartImage> Images => _images.OrderBy(i => i.Position).ToList();

    public int ImageCount => _images.Count;

    /// <summary>Where the old system kept the image files; read by the import command and kept for rollback.</summary>
    public IReadOnlyList<string> ImageUrls => _imageUrls;

    public static Part Create(PartNumber partNumber, string name, string? description, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(partNumber);
        return new Part(PartId.New(), partNumber,
            Text.Required(name, "part name", NameMaxLength),
            Text.Optional(description, "part description", DescriptionMaxLength),
            now);
    }

    /// <summary>Appends an image at the end of the gallery.</summary>
    public void AddImage(ImageAssetId imageId, int maxImages)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxImages);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxImages, MaxImagesCeiling);
        if (_images.Count >= maxImages)
        {
            throw new DomainException($"A part holds at most {maxImages} images.");
        }

        if (_images.Any(i => i.ImageId == imageId))
        {
            throw new DomainException("This image is already in the part's gallery.");
        }

        _images.Add(new PartImage(imageId, _images.Count));
    }

    /// <summary>Removes the image at <paramref name="position"/> and closes the gap; returns the removed image.</summary>
    public ImageAssetId RemoveImageAt(int position)
    {
        var removed = ImageAt(position);
        var kept = Images.Where(i => i.ImageId != removed).Select(i => i.ImageId).ToList();
        Renumber(kept);
        return removed;
    }

    /// <summary>The image shown at <paramref name="position"/>.</summary>
    public ImageAssetId ImageAt(int position) =>
        _images.FirstOrDefault(i => i.Position == position)?.ImageId
        ?? throw new DomainException($"The part has no image at position {position}; it has {_images.Count}.");

    /// <summary>Puts the gallery in the given order, which must name every current image exactly once.</summary>
    public void ReorderImages(IReadOnlyList<ImageAssetId> order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var current = _images.Select(i => i.ImageId).ToHashSet();
        if (order.Count != current.Count || order.Distinct().Count() != order.Count || !order.All(current.Contains))
        {
            throw new DomainException("A new order must list every image of the part exactly once.");
        }

        Renumber(order);
    }

    private void Renumber(IReadOnlyList<ImageAssetId> order)
    {
        _images.Clear();
        _images.AddRange(order.Select((id, position) => new PartImage(id, position)));
    }
}
