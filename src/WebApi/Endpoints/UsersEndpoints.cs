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
        group.MapGet("/me", GetCurrentUser)
            .WithName(nameof(GetCurrentUser))
            .WithSummary("Who you are: your user, with your profile photo's signed URLs");
        group.MapGet("/{id:guid}", GetUser)
            .WithName(nameof(GetUser))
            .WithSummary("Get a user (super admins: any; others: their organization's)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListUsers)
            .WithName(nameof(ListUsers))
            .WithSummary("List users by username, a page at a time")
            .ProducesValidationProblem();
        group.MapPut("/me/password", ChangePassword)
            .WithName(nameof(ChangePassword))
            .WithSummary("Change your own password; your earlier tokens stop working")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPut("/{id:guid}/role", ChangeUserRole)
            .WithName(nameof(ChangeUserRole))
            .WithSummary("Give a user another role (super admin, not yourself); the user's earlier tokens stop working")
            .RequireAuthorization(Policies.SuperAdmin)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:guid}", DeleteUser)
            .WithName(nameof(DeleteUser))
            .WithSummary("Remove a user with their profile photo, chat files and sessions (super admin, not yourself)")
            .RequireAuthorization(Policies.SuperAdmin)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The body of <c>PUT /users/{id}/role</c>.</summary>
    public sealed record ChangeUserRoleRequest(string Role);

    public static async Task<Created<UserResponse>> CreateUser(CreateUserCommand request, IMediator mediator,
        ImageLinkSigner links, CancellationToken cancellationToken)
    {
        var user = await mediator.Send(request, cancellationToken);
        return TypedResults.Created($"/users/{user.Id}", UserResponse.For(user, links));
    }

    /// <summary>The signed-in user, read as any user is (<see cref="GetUserQuery"/>): callers always see themselves.</summary>
    public static async Task<Ok<UserResponse>> GetCurrentUser(HttpContext http, IMediator mediator, ImageLinkSigner links,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(UserResponse.For(
            await mediator.Send(new GetUserQuery(http.User.ToCaller()!.UserId.Value), cancellationToken), links));

    public static async Task<Ok<UserResponse>> GetUser(Guid id, IMediator mediator, ImageLinkSigner links,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(UserResponse.For(await mediator.Send(new GetUserQuery(id), cancellationToken), links));

    public static async Task<Ok<PagedList<UserResponse>>> ListUsers(IMediator mediator, ImageLinkSigner links,
        CancellationToken cancellationToken, int page = 1,
        [FromQuery(Name = "page_size")] int pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok((await mediator.Send(new ListUsersQuery(page, pageSize), cancellationToken))
            .Select(user => UserResponse.For(user, links)));

    public static async Task<NoContent> ChangePassword(ChangePasswordCommand request, HttpContext http, IMediator mediator,
        SecurityStampCache stamps, CancellationToken cancellationToken)
    {
        await mediator.Send(request, cancellationToken);
        stamps.Evict(http.User.ToCaller()!.UserId.Value);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<UserResponse>> ChangeUserRole(Guid id, ChangeUserRoleRequest request, IMediator mediator,
        SecurityStampCache stamps, ImageLinkSigner links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await mediator.Send(new ChangeUserRoleCommand(id, request.Role), cancellationToken);
        stamps.Evict(id);
        return TypedResults.Ok(UserResponse.For(user, links));
    }

    public static async Task<NoContent> DeleteUser(Guid id, IMediator mediator, SecurityStampCache stamps, ImageCache images,
        CancellationToken cancellationToken)
    {
        var chatFiles = await mediator.Send(new DeleteUserCommand(id), cancellationToken);
        stamps.Evict(id);
        images.EvictUser(id);
        foreach (var file in chatFiles)
        {
            images.EvictChatFile(file);
        }

        return TypedResults.NoContent();
    }
}

/// <summary>A user, with signed URLs of their profile photo when there is one and the caller may read it (else <c>null</c>).</summary>
public sealed record UserResponse(Guid Id, string Username, string Role, Guid OrganizationId, DateTimeOffset CreatedAt,
    ImageLinks? ProfilePhoto)
{
    public static UserResponse For(UserDto user, ImageLinkSigner links)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(links);
        return new UserResponse(user.Id, user.Username, user.Role, user.OrganizationId, user.CreatedAt,
            links.For($"/images/users/{user.Id}/profile", user.ProfilePhotoVersion));
    }
}
