using AbParts.Domain.Common;
using AbParts.Domain.Images;

namespace AbParts.Domain.Organizations;

public readonly record struct OrganizationId(Guid Value)
{
    public static OrganizationId New() => new(Guid.CreateVersion7());

    public override string ToString() => Value.ToString();
}

/// <summary>A customer or the operator of the platform; every user belongs to exactly one.</summary>
public sealed class Organization : IAggregateRoot
{
    public const int NameMaxLength = 200;

    private Organization() { } // EF Core

    private Organization(OrganizationId id, string name, DateTimeOffset createdAt)
    {
        Id = id;
        Name = name;
        CreatedAt = createdAt;
    }

    public OrganizationId Id { get; private set; }

    public string Name { get; private set; } = string.Empty;

    /// <summary>The logo stored in PostgreSQL, if any.</summary>
    public ImageAssetId? LogoImageId { get; private set; }

    /// <summary>Where the old system kept the logo file; read by the import command and kept for rollback.</summary>
    public string? LogoUrl { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static Organization Create(string name, DateTimeOffset now) =>
        new(OrganizationId.New(), Text.Required(name, "organization name", NameMaxLength), now);

    /// <summary>Sets a new logo and returns the one it replaces, which the caller deletes.</summary>
    public ImageAssetId? ReplaceLogo(ImageAssetId? logo)
    {
        var previous = LogoImageId;
        LogoImageId = logo;
        return previous;
    }
}
