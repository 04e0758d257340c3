using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Files;
using AbParts.Application.Organizations;
using AbParts.Application.Users;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using AbParts.Domain.Videos;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Options;

namespace AbParts.Application.Images;

/// <summary>Which image is asked for.</summary>
public abstract record ImageTarget
{
    public sealed record UserProfile(Guid UserId) : ImageTarget;

    public sealed record OrganizationLogo(Guid OrganizationId) : ImageTarget;

    public sealed record PartImage(Guid PartId, int Index) : ImageTarget;

    public sealed record VideoPoster(Guid VideoId) : ImageTarget;

    /// <summary>The thumbnails of an image chat file: only its owner, a super admin or a signed URL reads them.</summary>
    public sealed record ChatFileThumbnail(Guid FileId) : ImageTarget
    {
        public override bool SameForEveryReader => false;
    }

    /// <summary>
    /// Whether every caller the route lets in gets the same answer, so a cache may share it. Not so for a
    /// target whose access the application decides per caller: answering it from a cache would skip that decision.
    /// </summary>
    public virtual bool SameForEveryReader => true;
}

/// <param name="Size">A thumbnail size, or <c>null</c> for the full image.</param>
/// <param name="KnownVersions">Entity tags the client already holds (If-None-Match, without quotes); <c>*</c> matches any.</param>
public sealed record GetImageQuery(ImageTarget Target, int? Size, IReadOnlyCollection<string> KnownVersions)
    : IRequest<ImageReply>;

/// <summary>The rendition's facts and, unless the client already holds this version, its bytes.</summary>
/// <param name="Version">The SHA-256 of the bytes: the strong entity tag and the URL version.</param>
public sealed record ImageReply(string Version, string ContentType, long Length, DateTimeOffset LastModified,
    bool IsThumbnail, MediaContent? Content)
{
    public bool NotModified => Content is null;
}

public sealed class GetImageValidator : AbstractValidator<GetImageQuery>
{
    public GetImageValidator(IOptions<ImageOptions> options)
    {
        RuleFor(q => q.Size).Must(s => s is null || options.Value.ThumbnailSizes.Contains(s.Value))
            .WithMessage($"'size' must be one of {string.Join(", ", options.Value.ThumbnailSizes)}, or absent for the full image.");
        RuleFor(q => ((ImageTarget.PartImage)q.Target).Index).GreaterThanOrEqualTo(0).OverridePropertyName("index")
            .When(q => q.Target is ImageTarget.PartImage);
    }
}

public sealed class GetImageHandler(IRepository<User> users, IRepository<Organization> organizations,
    IRepository<Part> parts, IRepository<VideoAsset> videos, IRepository<ImageAsset> images, ChatFileAccess chatFiles,
    IMediaStores stores)
    : IRequestHandler<GetImageQuery, ImageReply>
{
    /// <remarks>
    /// The row and the bytes are read one after the other, so a replacement or removal committed in between
    /// leaves no bytes under the key just read. Then the request is answered once more from the start: the
    /// new image, or 404 if there is none now. Bytes missing under an image that still exists are a fault.
    /// </remarks>
    public async Task<ImageReply> Handle(GetImageQuery request, CancellationToken cancellationToken) =>
        await TryHandleAsync(request, lastAttempt: false, cancellationToken)
        ?? await TryHandleAsync(request, lastAttempt: true, cancellationToken)
        ?? throw new System.Diagnostics.UnreachableException("The last attempt throws instead of answering null.");

    private async Task<ImageReply?> TryHandleAsync(GetImageQuery request, bool lastAttempt, CancellationToken cancellationToken)
    {
        var id = await ResolveAsync(request.Target, cancellationToken);
        var image = await images.FirstOrDefaultAsync(new ImageByIdSpec(id), cancellationToken)
                    ?? throw new NotFoundException("The image was not found.");
        var thumbnail = request.Size is { } size ? image.Thumbnail(size) : null;
        var (location, version, length) = thumbnail is null
            ? (image.Location, image.Sha256.Value, image.ByteSize)
            : (thumbnail.Location, thumbnail.Sha256.Value, thumbnail.ByteSize);

        if (request.KnownVersions.Contains(version) || request.KnownVersions.Contains("*"))
        {
            return new ImageReply(version, image.ContentType, length, image.CreatedAt, thumbnail is not null, null);
        }

        var content = await stores.Resolve(location.Backend).OpenAsync(location.Key, null, cancellationToken);
        if (content is null)
        {
            return lastAttempt
                ? throw new InvalidOperationException($"The bytes of image {image.Id} are missing from {location}.")
                : null;
        }

        return new ImageReply(version, image.ContentType, length, image.CreatedAt, thumbnail is not null, content);
    }

    private async Task<ImageAssetId> ResolveAsync(ImageTarget target, CancellationToken cancellationToken) => target switch
    {
        ImageTarget.UserProfile(var userId) =>
            (await users.FirstOrDefaultAsync(new UserByIdSpec(new UserId(userId)), cancellationToken)
             ?? throw NotFoundException.For("User", userId)).ProfilePhotoImageId
            ?? throw new NotFoundException("The user has no profile photo."),
        ImageTarget.OrganizationLogo(var organizationId) =>
            (await organizations.FirstOrDefaultAsync(new OrganizationByIdSpec(new OrganizationId(organizationId)), cancellationToken)
             ?? throw NotFoundException.For("Organization", organizationId)).LogoImageId
            ?? throw new NotFoundException("The organization has no logo."),
        ImageTarget.PartImage(var partId, var index) => PartImageAt(
            await PartImageRules.PartAsync(parts, partId, cancellationToken), index),
        ImageTarget.VideoPoster(var videoId) =>
            (await videos.FirstOrDefaultAsync(new Videos.VideoByIdSpec(new VideoAssetId(videoId)), cancellationToken)
             ?? throw NotFoundException.For("Video", videoId)).PosterImageId
            ?? throw new NotFoundException("The video has no poster."),
        ImageTarget.ChatFileThumbnail(var fileId) =>
            (await chatFiles.FindAsync(fileId, bySignedUrl: true, cancellationToken)).ThumbnailImageId
            ?? throw new NotFoundException("The file is not an image; only image files have thumbnails."),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown image target."),
    };

    private static ImageAssetId PartImageAt(Part part, int index)
    {
        PartImageRules.EnsureIndex(part, index);
        return part.ImageAt(index);
    }
}
