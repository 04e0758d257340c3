using AbParts.Application.Common.Abstractions;
using AbParts.Application.Images;
using AbParts.Application.Videos;
using AbParts.WebApi.Auth;
using AbParts.WebApi.ErrorHandling;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AbParts.WebApi.Endpoints;

/// <summary>
/// Support videos and part videos (super admins manage both, as they manage parts), streaming with HTTP ranges and poster
/// frames. Streaming and posters accept a bearer token or a signed URL (for <c>&lt;video src&gt;</c>).
/// </summary>
public static class VideosEndpoints
{
    public static IEndpointRouteBuilder MapVideosEndpoints(this IEndpointRouteBuilder app)
    {
        var maxBytes = app.ServiceProvider.GetRequiredService<IOptions<VideoOptions>>().Value.MaxBytes;
        var uploadLimit = maxBytes + 1024 * 1024; // the form's fields and boundaries besides the file
        var group = app.MapGroup("/videos").WithTags("Videos").RequireAuthorization();

        group.MapPost("/support", UploadSupportVideo).AsUpload().RequireAuthorization(Policies.SuperAdmin)
            .WithMetadata(new RequestSizeLimitAttribute(uploadLimit))
            .WithFormOptions(multipartBodyLengthLimit: uploadLimit)
            .WithName(nameof(UploadSupportVideo)).WithSummary("Upload a support video (multipart: file, title, category, description)");
        group.MapGet("/support", ListSupportVideos)
            .WithName(nameof(ListSupportVideos)).WithSummary("Support videos, newest first, optionally of one ?category=");
        group.MapPost("/parts/{partId:guid}", UploadPartVideo).AsUpload().RequireAuthorization(Policies.SuperAdmin)
            .WithMetadata(new RequestSizeLimitAttribute(uploadLimit))
            .WithFormOptions(multipartBodyLengthLimit: uploadLimit)
            .WithName(nameof(UploadPartVideo)).WithSummary("Upload a part video (multipart: file, title, video_type, description)");
        group.MapGet("/parts/{partId:guid}", ListPartVideos)
            .WithName(nameof(ListPartVideos)).WithSummary("A part's videos, newest first");
        group.MapGet("/{id:guid}", GetVideo).WithName(nameof(GetVideo)).WithSummary("A video's facts and URLs");
        group.MapDelete("/{id:guid}", DeleteVideo).WithName(nameof(DeleteVideo)).WithSummary("Delete a video, its bytes and poster");
        group.MapMethods("/stream/{id:guid}", [HttpMethods.Get, HttpMethods.Head], StreamVideo)
            .RequireAuthorization(Policies.MediaReader)
            .WithName(nameof(StreamVideo)).WithSummary("The video's bytes; single byte ranges are answered with 206");
        group.MapMethods("/{id:guid}/thumbnail", [HttpMethods.Get, HttpMethods.Head], GetVideoThumbnail)
            .RequireAuthorization(Policies.MediaReader)
            .WithName(nameof(GetVideoThumbnail)).WithSummary("The video's poster frame (WebP); ?size=100|200|300");
        return app;
    }

    public static async Task<Created<VideoResponse>> UploadSupportVideo([FromForm] string title, [FromForm] string category,
        [FromForm] string? description, IFormFile file, IMediator mediator, UrlSigner signer, CancellationToken cancellationToken)
    {
        await using var content = file.OpenReadStream();
        var video = await mediator.Send(new UploadSupportVideoCommand(title, description, category,
            new UploadedFile(file.FileName, file.Length, content)), cancellationToken);
        return TypedResults.Created($"/videos/{video.Id}", VideoResponse.For(video, signer));
    }

    public static async Task<Created<VideoResponse>> UploadPartVideo(Guid partId, [FromForm] string title,
        [FromForm(Name = "video_type")] string videoType, [FromForm] string? description, IFormFile file, IMediator mediator,
        UrlSigner signer, CancellationToken cancellationToken)
    {
        await using var content = file.OpenReadStream();
        var video = await mediator.Send(new UploadPartVideoCommand(partId, title, description, videoType,
            new UploadedFile(file.FileName, file.Length, content)), cancellationToken);
        return TypedResults.Created($"/videos/{video.Id}", VideoResponse.For(video, signer));
    }

    public static async Task<Ok<IReadOnlyList<VideoResponse>>> ListSupportVideos(string? category, IMediator mediator,
        UrlSigner signer, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<VideoResponse>>((await mediator.Send(new ListSupportVideosQuery(category), cancellationToken))
            .Select(v => VideoResponse.For(v, signer)).ToList());

    public static async Task<Ok<IReadOnlyList<VideoResponse>>> ListPartVideos(Guid partId, IMediator mediator,
        UrlSigner signer, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<VideoResponse>>((await mediator.Send(new ListPartVideosQuery(partId), cancellationToken))
            .Select(v => VideoResponse.For(v, signer)).ToList());

    public static async Task<Ok<VideoResponse>> GetVideo(Guid id, IMediator mediator, UrlSigner signer,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(VideoResponse.For(await mediator.Send(new GetVideoQuery(id), cancellationToken), signer));

    public static async Task<NoContent> DeleteVideo(Guid id, IMediator mediator, VideoPlaybackCache playbacks, ImageCache images,
        CancellationToken cancellationToken)
    {
        await mediator.Send(new DeleteVideoCommand(id), cancellationToken);
        playbacks.Evict(id);
        images.EvictVideo(id);
        return TypedResults.NoContent();
    }

    public static Task<IResult> GetVideoThumbnail(Guid id, int? size, string? v, HttpContext http, IMediator mediator,
        ImageCache cache, CancellationToken cancellationToken) =>
        ImagesEndpoints.ServeAsync(new ImageTarget.VideoPoster(id), size, v, http, mediator, cache, cancellationToken);

    /// <summary>RFC 9110 range requests over whichever store holds the video; the store reads only the range.</summary>
    public static async Task<IResult> StreamVideo(Guid id, HttpContext http, IMediator mediator, VideoPlaybackCache playbacks,
        CancellationToken cancellationToken)
    {
        var stream = await playbacks.GetAsync(id, () => mediator.Send(new StreamVideoQuery(id), cancellationToken));
        var video = stream.Video;
        var representation = new StoredRepresentation(video.Size, video.Sha256, video.ContentType, video.UpdatedAt,
            "private, max-age=3600");
        if (StoredBytesResponse.WriteHeadersAndCheckNotModified(http, representation))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (stream.DirectUrl is { } direct)
        {
            // The object store answers the range itself; the presigned URL is short-lived.
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Redirect(direct.ToString());
        }

        return await StoredBytesResponse.SendAsync(http, representation,
            range => OpenAsync(id, stream, range, mediator, playbacks, cancellationToken),
            async () =>
            {
                if (!await stream.ExistsAsync(cancellationToken))
                {
                    await LookUpAgainAsync(id, mediator, playbacks, cancellationToken); // 404 once the row is gone
                }
            }, "video", cancellationToken);
    }

    /// <summary>
    /// Opens the video's bytes. A lookup kept from before the video was deleted through another instance
    /// finds no bytes: it is dropped and made again, which answers 404 once the row is gone (HEAD checks the
    /// same way). Bytes missing under a row that exists are a fault, reported as one.
    /// </summary>
    private static async Task<MediaContent> OpenAsync(Guid id, VideoPlayback playback, ByteRange? range, IMediator mediator,
        VideoPlaybackCache playbacks, CancellationToken cancellationToken)
    {
        if (await playback.TryOpenAsync(range, cancellationToken) is { } content)
        {
            return content;
        }

        var current = await LookUpAgainAsync(id, mediator, playbacks, cancellationToken);
        return await current.OpenAsync(range, cancellationToken);
    }

    /// <summary>Drops the kept lookup and asks the database again: NotFound when the video is gone.</summary>
    private static Task<VideoPlayback> LookUpAgainAsync(Guid id, IMediator mediator, VideoPlaybackCache playbacks,
        CancellationToken cancellationToken)
    {
        playbacks.Evict(id);
        return mediator.Send(new StreamVideoQuery(id), cancellationToken);
    }
}

/// <summary>The seed's video object, with signed URLs that work in <c>&lt;video&gt;</c> and <c>&lt;img&gt;</c>.</summary>
public sealed record VideoResponse(Guid Id, string Title, string? Description, string? Category, string? VideoType,
    Guid? PartId, long Size, string ContentType, double DurationSeconds, int Width, int Height, string StreamUrl,
    string? ThumbnailUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static VideoResponse For(VideoDto video, UrlSigner signer)
    {
        ArgumentNullException.ThrowIfNull(video);
        ArgumentNullException.ThrowIfNull(signer);
        return new VideoResponse(video.Id, video.Title, video.Description, video.Category, video.VideoType, video.PartId,
            video.Size, video.ContentType, video.DurationSeconds, video.Width, video.Height,
            signer.Sign($"/videos/stream/{video.Id}?v={video.Sha256[..ImagesEndpoints.VersionLength]}"),
            video.HasPoster ? signer.Sign($"/videos/{video.Id}/thumbnail") : null, video.CreatedAt, video.UpdatedAt);
    }
}
