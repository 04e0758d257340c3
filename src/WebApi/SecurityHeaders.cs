using AbParts.WebApi.OpenApi;

namespace AbParts.WebApi;

/// <summary>
/// Headers every response carries, added as it starts so that error pages, 304s and framework answers get them too:
/// <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: no-referrer</c>, and a <c>Content-Security-Policy</c>:
/// for the API one that lets nothing load or frame it, for the web console's files one that lets them load only
/// this origin's scripts, styles, images and media (and <c>blob:</c> images, the previews of chosen files). A
/// response that set its own policy keeps it (a chat file is sandboxed); the Swagger UI, a page with scripts of its
/// own, gets none.
/// </summary>
public static class SecurityHeaders
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    public const string ConsolePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; " +
        "media-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var consolePaths = WebConsole.Paths(app.Environment.WebRootFileProvider);
        app.Use((context, next) =>
        {
            // Read before the console's default document rewrites "/" to "/index.html".
            var path = context.Request.Path;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (headers.ContentSecurityPolicy.Count == 0 && !path.StartsWithSegments(OpenApiSetup.UiPath))
                {
                    headers.ContentSecurityPolicy = consolePaths.Contains(path.Value ?? string.Empty) ? ConsolePolicy : ApiPolicy;
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
