using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.WebApi.Auth;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace AbParts.WebApi.Endpoints;

/// <summary>
/// Serving images (the seed's routes). Each takes <c>?size=100|200|300</c> for a thumbnail and, in URLs the
/// API hands out, <c>v</c> (the image's version) which makes the response cacheable as immutable and pins a
/// signed URL to that version. Readable with a bearer token or a signed URL; who may read what is the
/// application's <see cref="ImageAccess"/>.
/// </summary>
public static class ImagesEndpoints
{
    public static IEndpointRouteBuilder MapImagesEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/images").WithTags("Images").RequireAuthorization(Policies.MediaReader);
        group.MapMethods("/users/{id:guid}/profile", [HttpMethods.Get, HttpMethods.Head], GetProfilePhoto)
            .WithName(nameof(GetProfilePhoto)).WithSummary("A user's profile photo (WebP)");
        group.MapMethods("/organizations/{id:guid}/logo", [HttpMethods.Get, HttpMethods.Head], GetOrganizationLogo)
            .WithName(nameof(GetOrganizationLogo)).WithSummary("An organization's logo (WebP)");
        group.MapMethods("/parts/{id:guid}", [HttpMethods.Get, HttpMethods.Head], GetPartImageByQuery)
            .WithName(nameof(GetPartImageByQuery)).WithSummary("A part's image at ?index= (default 0)");
        group.MapMethods("/parts/{id:guid}/{index:int}", [HttpMethods.Get, HttpMethods.Head], GetPartImage)
            .WithName(nameof(GetPartImage)).WithSummary("A part's image at an index (0 is the first)");
        group.MapGet("/parts/{id:guid}/count", CountPartImages)
            .WithName(nameof(CountPartImages)).WithSummary("How many images a part has");
        group.ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem();
        return app;
    }

    public static Task<IResult> GetProfilePhoto(Guid id, int? size, string? v, HttpContext http, IMediator mediator,
        ImageCache cache, CancellationToken cancellationToken) =>
        ServeAsync(new ImageTarget.UserProfile(id), size, v, http, mediator, cache, cancellationToken);

    public static Task<IResult> GetOrganizationLogo(Guid id, int? size, string? v, HttpContext http, IMediator mediator,
        ImageCache cache, CancellationToken cancellationToken) =>
        ServeAsync(new ImageTarget.OrganizationLogo(id), size, v, http, mediator, cache, cancellationToken);

    public static Task<IResult> GetPartImageByQuery(Guid id, int? index, int? size, string? v, HttpContext http,
        IMediator mediator, ImageCache cache, CancellationToken cancellationToken) =>
        ServeAsync(new ImageTarget.PartImage(id, index ?? 0), size, v, http, mediator, cache, cancellationToken);

    public static Task<IResult> GetPartImage(Guid id, int index, int? size, string? v, HttpContext http,
        IMediator mediator, ImageCache cache, CancellationToken cancellationToken) =>
        ServeAsync(new ImageTarget.PartImage(id, index), size, v, http, mediator, cache, cancellationToken);

    public static async Task<Ok<ImageCountResponse>> CountPartImages(Guid id, IMediator mediator,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(new ImageCountResponse(await mediator.Send(new CountPartImagesQuery(id), cancellationToken)));

    /// <summary>The length of the <c>v</c> parameter in URLs the API hands out.</summary>
    public const int VersionLength = ImageAccess.MinVersionLength;

    /// <summary>
    /// Answers from <see cref="ImageCache"/> when it holds the rendition and the application's rule admits the
    /// request (the same 404 as the application's otherwise), else asks the application and keeps the answer.
    /// Either way the same headers: strong ETag, Last-Modified, Cache-Control (1 h full image,
    /// 24 h thumbnail, immutable when the URL pins the version) and 304 for a known version.
    /// </summary>
    internal static async Task<IResult> ServeAsync(ImageTarget target, int? size, string? version, HttpContext http,
        IMediator mediator, ImageCache cache, CancellationToken cancellationToken)
    {
        var known = EntityTags(http.Request.Headers.IfNoneMatch);
        if (cache.TryGet(target, size, out var image))
        {
            if (!image.Access.Allows(http.RequestServices.GetRequiredService<ICurrentUser>(), version))
            {
                throw target.NotFound();
            }
        }
        else
        {
            var ticket = cache.Ticket(target);
            var reply = await mediator.Send(new GetImageQuery(target, size, known, version), cancellationToken);
            if (reply.NotModified)
            {
                WriteHeaders(http, reply.Version, reply.LastModified, reply.IsThumbnail, reply.Access.IsPinnedBy(version));
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }

            image = new CachedImage(await ReadAllAsync(reply, cancellationToken), reply.Version, reply.ContentType,
                reply.LastModified, reply.IsThumbnail, reply.Access);
            cache.Set(target, size, image, ticket);
        }

        WriteHeaders(http, image.Version, image.LastModified, image.IsThumbnail, image.Access.IsPinnedBy(version));
        if (known.Contains(image.Version) || known.Contains("*"))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(image.Bytes, image.ContentType);
    }

    /// <param name="pinned">Whether the URL names the current version: only then may the response be cached as immutable.</param>
    private static void WriteHeaders(HttpContext http, string etag, DateTimeOffset lastModified, bool isThumbnail, bool pinned)
    {
        var headers = http.Response.Headers;
        headers.ETag = $"\"{etag}\"";
        headers.LastModified = lastModified.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        headers.CacheControl = isThumbnail
            ? pinned ? "private, max-age=86400, immutable" : "private, max-age=86400"
            : pinned ? "private, max-age=3600, immutable" : "private, max-age=3600";
    }

    /// <summary>The stored bytes of an image (at most <c>Images:MaxBytes</c>, so holding them is cheap).</summary>
    private static async Task<byte[]> ReadAllAsync(ImageReply reply, CancellationToken cancellationToken)
    {
        await using var content = reply.Content!;
        var bytes = new byte[content.Length];
        await content.Stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    /// <summary>The opaque tags of an If-None-Match header (weak comparison, RFC 9110 §13.1.2).</summary>
    private static string[] EntityTags(Microsoft.Extensions.Primitives.StringValues header) =>
        EntityTagHeaderValue.TryParseList(header, out var tags)
            ? tags.Select(t => t.Tag.Value == "*" ? "*" : t.Tag.Value!.Trim('"')).ToArray()
            : [];
}

public sealed record ImageCountResponse(int Count);
