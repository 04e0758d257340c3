using AbParts.Application.Images;
using AbParts.WebApi.Auth;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AbParts.WebApi.Endpoints;

/// <summary>
/// Image uploads (multipart, field <c>file</c>): a user's own profile photo, an organization's logo (its
/// admins), a part's gallery (super admins, as parts are theirs). Each answer gives the signed, versioned URL the image is served at.
/// </summary>
public static class UploadsEndpoints
{
    /// <summary>A gallery upload may carry several images of up to 20 MB each.</summary>
    private const long GalleryRequestLimit = 210L * 1024 * 1024;

    public static IEndpointRouteBuilder MapUploadsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/uploads").WithTags("Uploads").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/users/profile-photo", UploadProfilePhoto).AsUpload()
            .WithName(nameof(UploadProfilePhoto)).WithSummary("Set your own profile photo");
        group.MapDelete("/users/profile-photo", DeleteProfilePhoto)
            .WithName(nameof(DeleteProfilePhoto)).WithSummary("Remove your own profile photo");
        group.MapPost("/organizations/{id:guid}/logo", UploadOrganizationLogo).AsUpload()
            .WithName(nameof(UploadOrganizationLogo)).WithSummary("Set an organization's logo (its admins, super admins)");
        group.MapDelete("/organizations/{id:guid}/logo", DeleteOrganizationLogo)
            .WithName(nameof(DeleteOrganizationLogo)).WithSummary("Remove an organization's logo");
        group.MapPost("/parts/{id:guid}/images", AddPartImages).AsUpload()
            .RequireAuthorization(Policies.SuperAdmin)
            .WithMetadata(new RequestSizeLimitAttribute(GalleryRequestLimit))
            .WithName(nameof(AddPartImages)).WithSummary("Append one or several images (several 'file' fields) to a part");
        group.MapDelete("/parts/{id:guid}/images/{index:int}", RemovePartImage).RequireAuthorization(Policies.SuperAdmin)
            .WithName(nameof(RemovePartImage)).WithSummary("Remove a part's image; later ones move up");
        group.MapPut("/parts/{id:guid}/images/order", ReorderPartImages).RequireAuthorization(Policies.SuperAdmin)
            .WithName(nameof(ReorderPartImages)).WithSummary("Reorder a part's images: 'order' lists the current indexes in the new order");
        return app;
    }

    public static async Task<Ok<ImageUploadResponse>> UploadProfilePhoto(IFormFile file, HttpContext http,
        IMediator mediator, ImageLinkSigner links, ImageCache cache, CancellationToken cancellationToken)
    {
        await using var content = file.OpenReadStream();
        var image = await mediator.Send(new UploadProfilePhotoCommand(Upload(file, content)), cancellationToken);
        var user = http.User.ToCaller()!.UserId.Value;
        cache.EvictUser(user);
        return TypedResults.Ok(ImageUploadResponse.For(image, $"/images/users/{user}/profile", links));
    }

    public static async Task<NoContent> DeleteProfilePhoto(HttpContext http, IMediator mediator, ImageCache cache,
        CancellationToken cancellationToken)
    {
        await mediator.Send(new DeleteProfilePhotoCommand(), cancellationToken);
        cache.EvictUser(http.User.ToCaller()!.UserId.Value);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ImageUploadResponse>> UploadOrganizationLogo(Guid id, IFormFile file, IMediator mediator,
        ImageLinkSigner links, ImageCache cache, CancellationToken cancellationToken)
    {
        await using var content = file.OpenReadStream();
        var image = await mediator.Send(new UploadOrganizationLogoCommand(id, Upload(file, content)), cancellationToken);
        cache.EvictOrganization(id);
        return TypedResults.Ok(ImageUploadResponse.For(image, $"/images/organizations/{id}/logo", links));
    }

    public static async Task<NoContent> DeleteOrganizationLogo(Guid id, IMediator mediator, ImageCache cache,
        CancellationToken cancellationToken)
    {
        await mediator.Send(new DeleteOrganizationLogoCommand(id), cancellationToken);
        cache.EvictOrganization(id);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<PartImagesUploadResponse>> AddPartImages(Guid id, IFormFileCollection files,
        IMediator mediator, ImageLinkSigner links, ImageCache cache, CancellationToken cancellationToken)
    {
        var chosen = files.GetFiles("file");
        var streams = chosen.Select(f => f.OpenReadStream()).ToList();
        try
        {
            var uploads = chosen.Select((f, i) => Upload(f, streams[i])).ToList();
            var added = await mediator.Send(new AddPartImagesCommand(id, uploads), cancellationToken);
            cache.EvictPart(id);
            return TypedResults.Ok(new PartImagesUploadResponse(added
                .Select(a => new PartImageUploadResponse(a.Index,
                    ImageUploadResponse.For(a.Image, $"/images/parts/{id}/{a.Index}", links)))
                .ToList()));
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    public static async Task<NoContent> RemovePartImage(Guid id, int index, IMediator mediator, ImageCache cache,
        CancellationToken cancellationToken)
    {
        await mediator.Send(new RemovePartImageCommand(id, index), cancellationToken);
        cache.EvictPart(id);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ImageCountResponse>> ReorderPartImages(Guid id, ReorderRequest request, IMediator mediator,
        ImageCache cache, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var count = await mediator.Send(new ReorderPartImagesCommand(id, request.Order ?? []), cancellationToken);
        cache.EvictPart(id);
        return TypedResults.Ok(new ImageCountResponse(count));
    }

    private static UploadedFile Upload(IFormFile file, Stream content) => new(file.FileName, file.Length, content);
}

/// <summary>The seed's upload answer: where the image is served, and what was stored.</summary>
public sealed record ImageUploadResponse(string Url, int Width, int Height, long Size, string ContentType)
{
    /// <summary>A signed URL pinned to this version, so it works in <c>&lt;img src&gt;</c> and caches as immutable.</summary>
    public static ImageUploadResponse For(StoredImageDto image, string path, ImageLinkSigner links)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(links);
        return new ImageUploadResponse(links.Sign(path, image.Sha256), image.Width, image.Height, image.Size,
            image.ContentType);
    }
}

public sealed record PartImageUploadResponse(int Index, ImageUploadResponse Image);

public sealed record PartImagesUploadResponse(IReadOnlyList<PartImageUploadResponse> Images);

public sealed record ReorderRequest(IReadOnlyList<int>? Order);
