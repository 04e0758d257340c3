using AbParts.Application.Chat;
using AbParts.Application.Common.Models;
using AbParts.Application.Files;
using AbParts.Application.Images;
using AbParts.WebApi.Auth;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AbParts.WebApi.Endpoints;

/// <summary>
/// Chat: files a user attaches (originals kept as sent, thumbnails for images), sessions, and messages that
/// carry files. Files and sessions are their owner's: anyone else but a super admin gets 404. Reading a
/// file's bytes or thumbnail also works with the signed URLs the API hands out (<c>&lt;img src&gt;</c>,
/// <c>&lt;a download&gt;</c>).
/// </summary>
public static class ChatEndpoints
{
    public const string FilesPath = "/api/v1/chat/files";

    /// <summary>The thumbnail size of <c>thumbnail_url</c> and of a thumbnail request without <c>?size=</c>.</summary>
    public const int DefaultThumbnailSize = 200;

    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<ChatFileOptions>>().Value;
        var group = app.MapGroup("/api/v1/chat").WithTags("Chat").RequireAuthorization();

        group.MapPost("/files", UploadChatFiles).AsUpload()
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxRequestBytes))
            .WithFormOptions(multipartBodyLengthLimit: limits.MaxRequestBytes)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithName(nameof(UploadChatFiles)).WithSummary("Upload one or several files (several 'file' fields)");
        group.MapGet("/files", ListChatFiles)
            .WithName(nameof(ListChatFiles)).WithSummary("Your own files, newest first, a page at a time");
        group.MapMethods("/files/{id:guid}", [HttpMethods.Get, HttpMethods.Head], GetChatFile)
            .RequireAuthorization(Policies.MediaReader)
            .WithName(nameof(GetChatFile)).WithSummary("The original bytes; ?download=true makes it an attachment; ranges give 206");
        group.MapMethods("/files/{id:guid}/thumbnail", [HttpMethods.Get, HttpMethods.Head], GetChatFileThumbnail)
            .RequireAuthorization(Policies.MediaReader)
            .WithName(nameof(GetChatFileThumbnail)).WithSummary("An image file's thumbnail (WebP), ?size=100|200|300; 404 for other files");
        group.MapDelete("/files/{id:guid}", DeleteChatFile)
            .WithName(nameof(DeleteChatFile)).WithSummary("Delete a file, its bytes and thumbnails");
        group.MapPost("/sessions", StartChatSession)
            .WithName(nameof(StartChatSession)).WithSummary("Start a chat session");
        group.MapPost("/sessions/{id:guid}/messages", PostChatMessage)
            .WithName(nameof(PostChatMessage)).WithSummary("Add a message (role, content, file_ids of your own files) to your session");
        group.MapGet("/sessions/{id:guid}/history", GetChatHistory)
            .WithName(nameof(GetChatHistory)).WithSummary("A session's messages, oldest first, each with its uploads");
        group.ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem();
        return app;
    }

    public static async Task<Created<ChatUploadsResponse>> UploadChatFiles(IFormFileCollection form, IMediator mediator,
        UrlSigner signer, CancellationToken cancellationToken)
    {
        var chosen = form.GetFiles("file");
        var streams = chosen.Select(f => f.OpenReadStream()).ToList();
        try
        {
            var uploads = chosen.Select((f, i) => new UploadedFile(f.FileName, f.Length, streams[i], f.ContentType)).ToList();
            var stored = await mediator.Send(new UploadChatFilesCommand(uploads), cancellationToken);
            return TypedResults.Created($"{FilesPath}/{stored[0].Id}",
                new ChatUploadsResponse(stored.Select(f => ChatUpload.For(f, signer)).ToList()));
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    public static async Task<Ok<PagedList<ChatUpload>>> ListChatFiles(IMediator mediator, UrlSigner signer,
        CancellationToken cancellationToken, int page = 1, [FromQuery(Name = "page_size")] int pageSize = Paging.DefaultPageSize)
    {
        var files = await mediator.Send(new ListChatFilesQuery(page, pageSize), cancellationToken);
        return TypedResults.Ok(new PagedList<ChatUpload>(files.Items.Select(f => ChatUpload.For(f, signer)).ToList(), files.Page,
            files.PageSize, files.TotalCount));
    }

    /// <summary>
    /// The original as sent, with its recognised type. Images and text are shown inline, PDF is always an
    /// attachment (a PDF can carry scripts and forms; a download keeps them out of this origin). Every answer
    /// is sandboxed by its Content-Security-Policy and never sniffed.
    /// </summary>
    public static async Task<IResult> GetChatFile(Guid id, bool? download, string? v, HttpContext http, IMediator mediator,
        CancellationToken cancellationToken)
    {
        var content = await mediator.Send(new GetChatFileQuery(id), cancellationToken);
        var file = content.File;
        var pinned = v is { Length: >= ImagesEndpoints.VersionLength } && file.Sha256.StartsWith(v, StringComparison.Ordinal);
        var representation = new StoredRepresentation(file.Size, file.Sha256, file.ContentType, file.CreatedAt,
            pinned ? "private, max-age=3600, immutable" : "private, max-age=3600");
        var attachment = download == true || file.ContentType == Domain.Files.ChatFileType.Pdf.ContentType;
        http.Response.Headers.ContentDisposition = ContentDisposition.Format(attachment, file.Name);
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        if (StoredBytesResponse.WriteHeadersAndCheckNotModified(http, representation))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return await StoredBytesResponse.SendAsync(http, representation,
            async range => await content.TryOpenAsync(range, cancellationToken) ?? throw ChatFileAccess.NotFound(id),
            async () =>
            {
                if (!await content.ExistsAsync(cancellationToken))
                {
                    throw ChatFileAccess.NotFound(id); // deleted since the lookup
                }
            }, "file", cancellationToken);
    }

    public static Task<IResult> GetChatFileThumbnail(Guid id, int? size, string? v, HttpContext http, IMediator mediator,
        ImageCache cache, CancellationToken cancellationToken) =>
        ImagesEndpoints.ServeAsync(new ImageTarget.ChatFileThumbnail(id), size ?? DefaultThumbnailSize, v, http, mediator, cache,
            cancellationToken);

    public static async Task<NoContent> DeleteChatFile(Guid id, IMediator mediator, ImageCache cache,
        CancellationToken cancellationToken)
    {
        await mediator.Send(new DeleteChatFileCommand(id), cancellationToken);
        cache.EvictChatFile(id);
        return TypedResults.NoContent();
    }

    public static async Task<Created<ChatSessionDto>> StartChatSession(StartChatSessionRequest? request, IMediator mediator,
        CancellationToken cancellationToken)
    {
        var session = await mediator.Send(new StartChatSessionCommand(request?.Title), cancellationToken);
        return TypedResults.Created($"/api/v1/chat/sessions/{session.Id}", session);
    }

    public static async Task<Created<ChatMessageResponse>> PostChatMessage(Guid id, PostChatMessageRequest request,
        IMediator mediator, UrlSigner signer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var message = await mediator.Send(new PostChatMessageCommand(id, request.Role ?? string.Empty, request.Content,
            request.FileIds), cancellationToken);
        return TypedResults.Created($"/api/v1/chat/sessions/{id}/history", ChatMessageResponse.For(message, signer));
    }

    public static async Task<Ok<ChatHistoryResponse>> GetChatHistory(Guid id, IMediator mediator, UrlSigner signer,
        CancellationToken cancellationToken)
    {
        var history = await mediator.Send(new GetChatHistoryQuery(id), cancellationToken);
        return TypedResults.Ok(new ChatHistoryResponse(history.Session,
            history.Messages.Select(m => ChatMessageResponse.For(m, signer)).ToList()));
    }
}

/// <summary>
/// The old chat service's upload metadata object, with signed URLs: <c>url</c> (inline), <c>download_url</c>
/// (attachment), and for images <c>thumbnail_small</c> (100 px), <c>thumbnail_url</c> (200 px) and
/// <c>thumbnail_medium</c> (300 px); <c>null</c> for other files.
/// </summary>
public sealed record ChatUpload(Guid FileId, string Name, string Mime, long Size, bool IsImage, string Url, string DownloadUrl,
    string? ThumbnailUrl, string? ThumbnailSmall, string? ThumbnailMedium)
{
    public static ChatUpload For(ChatFileDto file, UrlSigner signer)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(signer);
        var path = $"{ChatEndpoints.FilesPath}/{file.Id}";
        var version = file.Sha256[..ImagesEndpoints.VersionLength];
        string? Thumbnail(int size) => file.IsImage ? signer.Sign($"{path}/thumbnail?size={size}") : null;
        return new ChatUpload(file.Id, file.Name, file.ContentType, file.Size, file.IsImage,
            signer.Sign($"{path}?v={version}"), signer.Sign($"{path}?download=true&v={version}"),
            Thumbnail(ChatEndpoints.DefaultThumbnailSize), Thumbnail(100), Thumbnail(300));
    }
}

public sealed record ChatUploadsResponse(IReadOnlyList<ChatUpload> Uploads);

public sealed record StartChatSessionRequest(string? Title);

public sealed record PostChatMessageRequest(string? Role, string? Content, IReadOnlyList<Guid>? FileIds);

public sealed record ChatMessageResponse(Guid Id, Guid SessionId, string Role, string Content, IReadOnlyList<ChatUpload> Uploads,
    DateTimeOffset CreatedAt)
{
    public static ChatMessageResponse For(ChatMessageDto message, UrlSigner signer)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new ChatMessageResponse(message.Id, message.SessionId, message.Role, message.Content,
            message.Uploads.Select(f => ChatUpload.For(f, signer)).ToList(), message.CreatedAt);
    }
}

public sealed record ChatHistoryResponse(ChatSessionDto Session, IReadOnlyList<ChatMessageResponse> Messages);

/// <summary>
/// <c>Content-Disposition</c> with a file's name per RFC 6266, written by the framework's header type:
/// <c>filename*=UTF-8''…</c> with the real name, and a plain ASCII <c>filename</c> for old clients. What
/// could break out of the header or name a path (CR, LF, other controls, quotes, slashes, backslashes) is
/// replaced by <c>_</c> first; the ASCII fallback also loses <c>%</c> and non-ASCII letters, so no client has
/// anything to unescape or decode.
/// </summary>
public static class ContentDisposition
{
    public static string Format(bool attachment, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var safe = new string(name.Select(c => char.IsControl(c) || c is '"' or '/' or '\\' ? '_' : c).ToArray());
        return new ContentDispositionHeaderValue(attachment ? "attachment" : "inline")
        {
            // In this order: RFC 6266 (appendix D) advises filename before filename*, for agents that take the first.
            FileName = new string(safe.Select(c => c is >= ' ' and <= '~' and not '%' ? c : '_').ToArray()),
            FileNameStar = safe,
        }.ToString();
    }
}
