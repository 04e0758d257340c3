using AbParts.Application.Common.Models;
using AbParts.Application.Users;
using AbParts.WebApi.Auth;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AbParts.WebApi.Endpoints;

public static class UsersEndpoints
{
    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/users").WithTags("Users").RequireAuthorization();
        group.MapPost("/", CreateUser)
            .WithName(nameof(CreateUser))
            .WithSummary("Create a user in an organization (super admin)")
            .RequireAuthorization(Policies.SuperAdmin)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}", GetUser)
            .WithName(nameof(GetUser))
            .WithSummary("Get a user (super admins: any; others: their organization's)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListUsers)
            .WithName(nameof(ListUsers))
            .WithSummary("List users by username, a page at a time")
            .ProducesValidationProblem();
        return app;
    }

    public static async Task<Created<UserDto>> CreateUser(CreateUserCommand request, IMediator mediator,
        CancellationToken cancellationToken)
    {
        var user = await mediator.Send(request, cancellationToken);
        return TypedResults.Created($"/users/{user.Id}", user);
    }

    public static async Task<Ok<UserDto>> GetUser(Guid id, IMediator mediator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mediator.Send(new GetUserQuery(id), cancellationToken));

    public static async Task<Ok<PagedList<UserDto>>> ListUsers(IMediator mediator, CancellationToken cancellationToken,
        int page = 1, [FromQuery(Name = "page_size")] int pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListUsersQuery(page, pageSize), cancellationToken));
}
