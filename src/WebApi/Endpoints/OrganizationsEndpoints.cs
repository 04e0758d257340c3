using AbParts.Application.Common.Models;
using AbParts.Application.Organizations;
using AbParts.WebApi.Auth;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AbParts.WebApi.Endpoints;

public static class OrganizationsEndpoints
{
    public static IEndpointRouteBuilder MapOrganizationsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/organizations").WithTags("Organizations").RequireAuthorization();
        group.MapPost("/", CreateOrganization)
            .WithName(nameof(CreateOrganization))
            .WithSummary("Create an organization (super admin)")
            .RequireAuthorization(Policies.SuperAdmin)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}", GetOrganization)
            .WithName(nameof(GetOrganization))
            .WithSummary("Get an organization (super admins: any; others: their own)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListOrganizations)
            .WithName(nameof(ListOrganizations))
            .WithSummary("List organizations by name, a page at a time")
            .ProducesValidationProblem();
        return app;
    }

    public static async Task<Created<OrganizationDto>> CreateOrganization(CreateOrganizationCommand request,
        IMediator mediator, CancellationToken cancellationToken)
    {
        var organization = await mediator.Send(request, cancellationToken);
        return TypedResults.Created($"/organizations/{organization.Id}", organization);
    }

    public static async Task<Ok<OrganizationDto>> GetOrganization(Guid id, IMediator mediator,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new GetOrganizationQuery(id), cancellationToken));

    public static async Task<Ok<PagedList<OrganizationDto>>> ListOrganizations(IMediator mediator,
        CancellationToken cancellationToken, int page = 1, [FromQuery(Name = "page_size")] int pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListOrganizationsQuery(page, pageSize), cancellationToken));
}
