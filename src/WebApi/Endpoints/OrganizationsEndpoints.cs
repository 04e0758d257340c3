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

    public static async Task<Created<OrganizationResponse>> CreateOrganization(CreateOrganizationCommand request,
        IMediator mediator, ImageLinkSigner links, CancellationToken cancellationToken)
    {
        var organization = await mediator.Send(request, cancellationToken);
        return TypedResults.Created($"/organizations/{organization.Id}", OrganizationResponse.For(organization, links));
    }

    public static async Task<Ok<OrganizationResponse>> GetOrganization(Guid id, IMediator mediator, ImageLinkSigner links,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(OrganizationResponse.For(await mediator.Send(new GetOrganizationQuery(id), cancellationToken), links));

    public static async Task<Ok<PagedList<OrganizationResponse>>> ListOrganizations(IMediator mediator,
        ImageLinkSigner links, CancellationToken cancellationToken, int page = 1,
        [FromQuery(Name = "page_size")] int pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok((await mediator.Send(new ListOrganizationsQuery(page, pageSize), cancellationToken))
            .Select(organization => OrganizationResponse.For(organization, links)));
}

/// <summary>An organization, with signed URLs of its logo when there is one and the caller may read it (else <c>null</c>).</summary>
public sealed record OrganizationResponse(Guid Id, string Name, DateTimeOffset CreatedAt, ImageLinks? Logo)
{
    public static OrganizationResponse For(OrganizationDto organization, ImageLinkSigner links)
    {
        ArgumentNullException.ThrowIfNull(organization);
        ArgumentNullException.ThrowIfNull(links);
        return new OrganizationResponse(organization.Id, organization.Name, organization.CreatedAt,
            links.For($"/images/organizations/{organization.Id}/logo", organization.LogoVersion));
    }
}
