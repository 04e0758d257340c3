using AbParts.Application.Common.Models;
using AbParts.Application.Parts;
using AbParts.WebApi.Auth;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AbParts.WebApi.Endpoints;

public static class PartsEndpoints
{
    public static IEndpointRouteBuilder MapPartsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/parts").WithTags("Parts").RequireAuthorization();
        group.MapPost("/", CreatePart)
            .WithName(nameof(CreatePart))
            .WithSummary("Create a part (super admin)")
            .RequireAuthorization(Policies.SuperAdmin)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}", GetPart)
            .WithName(nameof(GetPart))
            .WithSummary("Get a part")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListParts)
            .WithName(nameof(ListParts))
            .WithSummary("List parts by part number, a page at a time")
            .ProducesValidationProblem();
        return app;
    }

    public static async Task<Created<PartResponse>> CreatePart(CreatePartCommand request, IMediator mediator,
        ImageLinkSigner links, CancellationToken cancellationToken)
    {
        var part = await mediator.Send(request, cancellationToken);
        return TypedResults.Created($"/parts/{part.Id}", PartResponse.For(part, links));
    }

    public static async Task<Ok<PartResponse>> GetPart(Guid id, IMediator mediator, ImageLinkSigner links,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(PartResponse.For(await mediator.Send(new GetPartQuery(id), cancellationToken), links));

    public static async Task<Ok<PagedList<PartResponse>>> ListParts(IMediator mediator, ImageLinkSigner links,
        CancellationToken cancellationToken, int page = 1,
        [FromQuery(Name = "page_size")] int pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok((await mediator.Send(new ListPartsQuery(page, pageSize), cancellationToken))
            .Select(part => PartResponse.For(part, links)));
}

/// <summary>A part, with its gallery in order: each image's index and signed URLs.</summary>
public sealed record PartResponse(Guid Id, string PartNumber, string Name, string? Description, int ImageCount,
    IReadOnlyList<PartImageLinks> Images, DateTimeOffset CreatedAt)
{
    public static PartResponse For(PartDto part, ImageLinkSigner links)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(links);
        return new PartResponse(part.Id, part.PartNumber, part.Name, part.Description, part.ImageCount,
            links.ForGallery(part.Id, part.Gallery), part.CreatedAt);
    }
}
