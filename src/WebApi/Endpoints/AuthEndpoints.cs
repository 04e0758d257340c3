using AbParts.Application.Auth;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AbParts.WebApi.Endpoints;

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/token", IssueToken)
            .WithName(nameof(IssueToken))
            .WithTags("Auth")
            .WithSummary("Exchange a username and password for a bearer token")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimiting.SignInPolicy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    public static async Task<Ok<TokenDto>> IssueToken(IssueTokenCommand request, IMediator mediator,
        SignInUsernameLimit usernameLimit, CancellationToken cancellationToken)
    {
        usernameLimit.Count(request.Username);
        return TypedResults.Ok(await mediator.Send(request, cancellationToken));
    }
}
