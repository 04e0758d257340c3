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

    public static async Task<Created<PartDto>> CreatePart(CreatePartCommand request, IMediator mediator,
        CancellationToken cancellationToken)
    {
        var part = await mediator.Send(request, cancellationToken);
        return TypedResults.Created($"/parts/{part.Id}", part);
    }

    public static async Task<Ok<PartDto>> GetPart(Guid id, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new GetPartQuery(id), cancellationToken));

    public static async Task<Ok<PagedList<PartDto>>> ListParts(IMediator mediator, CancellationToken cancellationToken,
        int page = 1, [FromQuery(Name = "page_size")] int pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListPartsQuery(page, pageSize), cancellationToken));
}
