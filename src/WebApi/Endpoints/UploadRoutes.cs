namespace AbParts.WebApi.Endpoints;

/// <summary>What every upload route has in common.</summary>
public static class UploadRoutes
{
    /// <summary>
    /// An upload route: no antiforgery token (clients send a bearer token, not cookies), the per-user upload limits
    /// (<see cref="RateLimiting.UploadPolicy"/>), a place in the drain at shutdown (<see cref="UploadDrain"/>), and 507
    /// when the disk is full, from the first buffered byte of its form on (<see cref="UploadForms"/>).
    /// </summary>
    public static RouteHandlerBuilder AsUpload(this RouteHandlerBuilder route) => route
        .DisableAntiforgery()
        .RequireRateLimiting(RateLimiting.UploadPolicy)
        .WithMetadata(new Marker())
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .ProducesProblem(StatusCodes.Status507InsufficientStorage);

    /// <summary>The metadata that marks an upload route.</summary>
    public sealed class Marker;
}
