using AbParts.WebApi.OpenApi;

namespace AbParts.WebApi;

/// <summary>
/// Headers every response carries, added as it starts so that error pages, 304s and framework answers get them too:
/// <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: no-referrer</c>, and for the API a
/// <c>Content-Security-Policy</c> that lets nothing load or frame it. A response that set its own policy keeps it
/// (a chat file is sandboxed); the Swagger UI, a page with scripts of its own, gets none.
/// </summary>
public static class SecurityHeaders
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (headers.ContentSecurityPolicy.Count == 0 && !context.Request.Path.StartsWithSegments(OpenApiSetup.UiPath))
                {
                    headers.ContentSecurityPolicy = ApiPolicy;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
