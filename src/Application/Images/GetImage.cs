using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
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
    public sealed record UserProfile(Guid UserId) : ImageTarget
    {
        public override NotFoundException NotFound() => new("The profile photo was not found.");
    }

    public sealed record OrganizationLogo(Guid OrganizationId) : ImageTarget
    {
        public override NotFoundException NotFound() => new("The logo was not found.");
    }

    public sealed record PartImage(Guid PartId, int Index) : ImageTarget
    {
        public override NotFoundException NotFound() => new("The part image was not found.");
    }

    public sealed record VideoPoster(Guid VideoId) : ImageTarget
    {
        public override bool FixedForItsId => true;

        public override NotFoundException NotFound() => new("The poster was not found.");
    }

    /// <summary>The thumbnails of an image chat file.</summary>
    public sealed record ChatFileThumbnail(Guid FileId) : ImageTarget
    {
        public override bool FixedForItsId => true;

        public override NotFoundException NotFound() => ChatFileAccess.NotFound(FileId);
    }

    /// <summary>
    /// Whether the image behind the target is made once with its owner and never replaced (a video's poster, a chat
    /// file's thumbnail), so the target alone pins a signed URL to one version.
    /// </summary>
    public virtual bool FixedForItsId => false;

    /// <summary>
    /// The one 404 of this target, whatever the reason: its owner does not exist, it has no image, the caller may not
    /// read it, or a signed URL names another version. Its text names no id the request did not carry.
    /// </summary>
    public abstract NotFoundException NotFound();
}

/// <param name="Size">A thumbnail size, or <c>null</c> for the full image.</param>
/// <param name="KnownVersions">Entity tags the client already holds (If-None-Match, without quotes); <c>*</c> matches any.</param>
/// <param name="UrlVersion">The URL's <c>v</c> parameter: a prefix of <see cref="ImageAccess.Version"/>, or <c>null</c>.</param>
public sealed record GetImageQuery(ImageTarget Target, int? Size, IReadOnlyCollection<string> KnownVersions, string? UrlVersion = null)
    : IRequest<ImageReply>;

/// <summary>The rendition's facts and, unless the client already holds this version, its bytes.</summary>
/// <param name="Version">The SHA-256 of the rendition's bytes: the strong entity tag.</param>
/// <param name="Access">Who may read the image and which version pins it; a cache keeps it to ask <see cref="ImageAccess.Allows"/> on every hit.</param>
public sealed record ImageReply(string Version, string ContentType, long Length, DateTimeOffset LastModified,
    bool IsThumbnail, ImageAccess Access, MediaContent? Content)
{
    public bool NotModified => Content is null;
}

/// <summary>Who may read an image, and the version a signed URL for it must name.</summary>
/// <param name="Version">
/// The image's version: the SHA-256 of its full rendition, for every size, so one <c>v</c> names the image and its
/// thumbnails (each thumbnail's entity tag is its own hash).
/// </param>
/// <param name="FixedForItsId">See <see cref="ImageTarget.FixedForItsId"/>.</param>
public sealed record ImageAccess(MediaAudience Audience, string Version, bool FixedForItsId)
{
    /// <summary>The shortest <c>v</c> that pins a URL to one version (64 bits of the hash).</summary>
    public const int MinVersionLength = 16;

    /// <summary>
    /// The read rule. A signed URL was issued to a reader who was allowed, so it authorizes the read of the version it
    /// names, and only that one; without <c>v</c> only an image fixed for its id. Any other request reads what its
    /// caller's audience admits.
    /// </summary>
    public bool Allows(ICurrentUser reader, string? urlVersion)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.HasSignedUrl
            ? urlVersion is null ? FixedForItsId : IsPinnedBy(urlVersion)
            : MediaAudience.Admits(Audience, reader.Caller);
    }

    /// <summary>Whether <paramref name="urlVersion"/> names this version, so the response may be cached as immutable.</summary>
    public bool IsPinnedBy(string? urlVersion) =>
        urlVersion is { Length: >= MinVersionLength } && Version.StartsWith(urlVersion, StringComparison.Ordinal);
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
    ICurrentUser currentUser, IMediaStores stores)
    : IRequestHandler<GetImageQuery, ImageReply>
{
    /// <remarks>
    /// The owner's row, the image's row and the bytes are read one after the other, so a replacement or removal
    /// committed in between leaves no image row under the id just read, or no bytes under the key. Then the request
    /// is answered once more from the start: the new image, or 404 if there is none now (a signed URL pinned to the
    /// old version gets 404 as well). Bytes missing under an image that still exists are a fault. Every row is read
    /// untracked: a tracked owner would give the second attempt the first one's image id again.
    /// </remarks>
    public async Task<ImageReply> Handle(GetImageQuery request, CancellationToken cancellationToken) =>
        await TryHandleAsync(request, lastAttempt: false, cancellationToken)
        ?? await TryHandleAsync(request, lastAttempt: true, cancellationToken)
        ?? throw new System.Diagnostics.UnreachableException("The last attempt throws instead of answering null.");

    private async Task<ImageReply?> TryHandleAsync(GetImageQuery request, bool lastAttempt, CancellationToken cancellationToken)
    {
        var target = request.Target;
        var (id, audience) = await ResolveAsync(target, cancellationToken);
        var image = await images.FirstOrDefaultAsync(new ImageByIdSpec(id, readOnly: true), cancellationToken);
        if (image is null)
        {
            return lastAttempt ? throw target.NotFound() : null;
        }

        var access = new ImageAccess(audience, image.Sha256.Value, target.FixedForItsId);
        if (!access.Allows(currentUser, request.UrlVersion))
        {
            throw target.NotFound();
        }

        var thumbnail = request.Size is { } size ? image.Thumbnail(size) : null;
        var (location, version, length) = thumbnail is null
            ? (image.Location, image.Sha256.Value, image.ByteSize)
            : (thumbnail.Location, thumbnail.Sha256.Value, thumbnail.ByteSize);

        if (request.KnownVersions.Contains(version) || request.KnownVersions.Contains("*"))
        {
            return new ImageReply(version, image.ContentType, length, image.CreatedAt, thumbnail is not null, access, null);
        }

        var content = await stores.Resolve(location.Backend).OpenAsync(location.Key, null, cancellationToken);
        if (content is null)
        {
            return lastAttempt
                ? throw new InvalidOperationException($"The bytes of image {image.Id} are missing from {location}.")
                : null;
        }

        return new ImageReply(version, image.ContentType, length, image.CreatedAt, thumbnail is not null, access, content);
    }

    /// <summary>The image behind the target and who may read it. Profile photos and logos answer one 404 for every miss.</summary>
    private async Task<(ImageAssetId Id, MediaAudience Audience)> ResolveAsync(ImageTarget target, CancellationToken cancellationToken)
    {
        switch (target)
        {
            case ImageTarget.UserProfile(var userId):
                var user = await users.FirstOrDefaultAsync(new UserByIdSpec(new UserId(userId), readOnly: true), cancellationToken)
                           ?? throw target.NotFound();
                return (user.ProfilePhotoImageId ?? throw target.NotFound(), MediaAudience.MembersOf(user.OrganizationId));
            case ImageTarget.OrganizationLogo(var organizationId):
                var organization = await organizations.FirstOrDefaultAsync(
                                       new OrganizationByIdSpec(new OrganizationId(organizationId), readOnly: true), cancellationToken)
                                   ?? throw target.NotFound();
                return (organization.LogoImageId ?? throw target.NotFound(), MediaAudience.MembersOf(organization.Id));
            case ImageTarget.PartImage(var partId, var index):
                var part = await PartImageRules.PartAsync(parts, partId, cancellationToken, readOnly: true);
                PartImageRules.EnsureIndex(part, index);
                return (part.ImageAt(index), MediaAudience.SignedInUsers);
            case ImageTarget.VideoPoster(var videoId):
                var video = await videos.FirstOrDefaultAsync(new Videos.VideoByIdSpec(new VideoAssetId(videoId)), cancellationToken)
                            ?? throw NotFoundException.For("Video", videoId);
                return (video.PosterImageId ?? throw new NotFoundException("The video has no poster."), MediaAudience.SignedInUsers);
            case ImageTarget.ChatFileThumbnail(var fileId):
                var file = await chatFiles.FindToReadAsync(fileId, cancellationToken);
                return (file.ThumbnailImageId
                        ?? throw new NotFoundException("The file is not an image; only image files have thumbnails."),
                    MediaAudience.OwnedBy(file.OwnerId));
            default:
                throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown image target.");
        }
    }
}
