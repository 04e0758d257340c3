using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Behaviors;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Application.Parts;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using AbParts.Domain.Videos;
using Ardalis.Specification;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Videos;

public sealed class VideoByIdSpec : Specification<VideoAsset>
{
    public VideoByIdSpec(VideoAssetId id, bool readOnly = false)
    {
        Query.Where(v => v.Id == id)
            .AsNoTracking(readOnly);
    }
}

public sealed class SupportVideosSpec : Specification<VideoAsset>
{
    public SupportVideosSpec(SupportVideoCategory? category)
    {
        Query.Where(v => v.Category != null);
        if (category is { } only)
        {
            Query.Where(v => v.Category == only);
        }

        Query.OrderByDescending(v => v.CreatedAt);
        Query.AsNoTracking();
    }
}

public sealed class PartVideosSpec : Specification<VideoAsset>
{
    public PartVideosSpec(PartId part)
    {
        Query.Where(v => v.PartId == part)
            .OrderByDescending(v => v.CreatedAt);
        Query.AsNoTracking();
    }
}

/// <summary>Support videos, newest first; <paramref name="Category"/> filters.</summary>
public sealed record ListSupportVideosQuery(string? Category) : IRequest<IReadOnlyList<VideoDto>>;

public sealed class ListSupportVideosValidator : AbstractValidator<ListSupportVideosQuery>
{
    public ListSupportVideosValidator() =>
        RuleFor(q => q.Category).Must(c => c is null || VideoNames.TryParseCategory(c, out _))
            .WithMessage($"'category' must be one of: {string.Join(", ", VideoNames.Categories)}.");
}

public sealed class ListSupportVideosHandler(IRepository<VideoAsset> videos)
    : IRequestHandler<ListSupportVideosQuery, IReadOnlyList<VideoDto>>
{
    public async Task<IReadOnlyList<VideoDto>> Handle(ListSupportVideosQuery request, CancellationToken cancellationToken)
    {
        SupportVideoCategory? category = request.Category is null ? null : VideoNames.ParseCategory(request.Category);
        return (await videos.ListAsync(new SupportVideosSpec(category), cancellationToken)).Select(VideoDto.From).ToList();
    }
}

/// <summary>A part's videos, newest first.</summary>
public sealed record ListPartVideosQuery(Guid PartId) : IRequest<IReadOnlyList<VideoDto>>;

public sealed class ListPartVideosHandler(IRepository<VideoAsset> videos, IRepository<Part> parts)
    : IRequestHandler<ListPartVideosQuery, IReadOnlyList<VideoDto>>
{
    public async Task<IReadOnlyList<VideoDto>> Handle(ListPartVideosQuery request, CancellationToken cancellationToken)
    {
        var part = await parts.FirstOrDefaultAsync(new PartByIdSpec(new PartId(request.PartId)), cancellationToken)
                   ?? throw NotFoundException.For("Part", request.PartId);
        return (await videos.ListAsync(new PartVideosSpec(part.Id), cancellationToken)).Select(VideoDto.From).ToList();
    }
}

public sealed record GetVideoQuery(Guid Id) : IRequest<VideoDto>;

public sealed class GetVideoHandler(IRepository<VideoAsset> videos) : IRequestHandler<GetVideoQuery, VideoDto>
{
    public async Task<VideoDto> Handle(GetVideoQuery request, CancellationToken cancellationToken) =>
        VideoDto.From(await videos.FirstOrDefaultAsync(new VideoByIdSpec(new VideoAssetId(request.Id)), cancellationToken)
                      ?? throw NotFoundException.For("Video", request.Id));
}

/// <summary>
/// Everything streaming needs from one lookup: the video's facts, a direct URL when its store offers one
/// (S3 with RedirectToPresigned), and a way to open its bytes or a range of them.
/// </summary>
public sealed record StreamVideoQuery(Guid Id) : IRequest<VideoPlayback>;

public sealed class VideoPlayback(VideoDto video, Uri? directUrl, IMediaStore store, string key) : StoredBytes(store, key)
{
    public VideoDto Video { get; } = video;

    public Uri? DirectUrl { get; } = directUrl;
}

public sealed class StreamVideoHandler(IRepository<VideoAsset> videos, IMediaStores stores)
    : IRequestHandler<StreamVideoQuery, VideoPlayback>
{
    public async Task<VideoPlayback> Handle(StreamVideoQuery request, CancellationToken cancellationToken)
    {
        var video = await videos.FirstOrDefaultAsync(new VideoByIdSpec(new VideoAssetId(request.Id), readOnly: true), cancellationToken)
                    ?? throw NotFoundException.For("Video", request.Id);
        var store = stores.Resolve(video.Location.Backend);
        var direct = store is IDirectReadStore links ? links.DirectReadUrl(video.Location.Key) : null;
        return new VideoPlayback(VideoDto.From(video), direct, store, video.Location.Key);
    }
}

/// <summary>Deletes a video, its bytes and its poster: super admins (support videos, and part videos of the shared catalogue).</summary>
public sealed record DeleteVideoCommand(Guid Id) : IRequest<Unit>, ITransactionalRequest;

public sealed class DeleteVideoHandler(IRepository<VideoAsset> videos, ImageStorage images, IMediaStores stores,
    ICurrentUser currentUser, IUnitOfWork unitOfWork) : IRequestHandler<DeleteVideoCommand, Unit>
{
    public async Task<Unit> Handle(DeleteVideoCommand request, CancellationToken cancellationToken)
    {
        var video = await videos.FirstOrDefaultAsync(new VideoByIdSpec(new VideoAssetId(request.Id)), cancellationToken)
                    ?? throw NotFoundException.For("Video", request.Id);
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        if (!caller.IsSuperAdmin)
        {
            // Part videos belong to the shared catalogue, which super admins change, as they create parts.
            throw new ForbiddenAccessException(video.IsSupportVideo
                ? "Only super admins manage support videos."
                : "Only super admins manage part videos, as they manage parts.");
        }

        videos.Remove(video);
        if (video.PosterImageId is { } poster)
        {
            await images.DeleteAsync(poster, cancellationToken);
        }

        await unitOfWork.SaveChangesAsync(cancellationToken);
        // The row is gone (within the transaction); the bytes follow. A failure here leaves an orphan the sweep removes.
        await stores.Resolve(video.Location.Backend).DeleteAsync(video.Location.Key, cancellationToken);
        return Unit.Value;
    }
}
