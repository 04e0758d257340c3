namespace AbParts.WebApi.Endpoints;

/// <summary>What every upload route has in common.</summary>
public static class UploadRoutes
{
    /// <summary>
    /// An upload route: no antiforgery token (clients send a bearer token, not cookies), the per-user upload limits
    /// (<see cref="RateLimiting.UploadPolicy"/>), and a place in the drain at shutdown (<see cref="UploadDrain"/>).
    /// </summary>
    public static RouteHandlerBuilder AsUpload(this RouteHandlerBuilder route) => route
        .DisableAntiforgery()
        .RequireRateLimiting(RateLimiting.UploadPolicy)
        .WithMetadata(new Marker())
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>The metadata that marks an upload route.</summary>
    public sealed class Marker;
}
