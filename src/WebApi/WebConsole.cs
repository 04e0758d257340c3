using Microsoft.Extensions.FileProviders;

namespace AbParts.WebApi;

/// <summary>
/// The web console: plain HTML, CSS and ES modules from <c>wwwroot</c>, <c>/</c> being its <c>index.html</c>. Static
/// files, not endpoints, so they are no OpenAPI operations; served before authentication, as the console signs in
/// through the public API itself. A path that names no file goes on to the API's routes (ADR 0031).
/// </summary>
public static class WebConsole
{
    /// <summary>The console's files, where the service runs from (the build output and a publish folder alike).</summary>
    public static string WebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>
    /// The request paths the console answers: each file under the web root, and <c>/</c>. The security headers give
    /// them the console's policy.
    /// </summary>
    public static IReadOnlySet<string> Paths(IFileProvider webRoot)
    {
        ArgumentNullException.ThrowIfNull(webRoot);
        var paths = new HashSet<string>(StringComparer.Ordinal) { "/" };
        AddFiles(webRoot, string.Empty, paths);
        return paths;
    }

    /// <summary>
    /// Serves the console's paths, and only those: the static-file middleware would otherwise look on disk for every
    /// API request (an image, a video range) before the API answered it.
    /// </summary>
    public static WebApplication UseWebConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var paths = Paths(app.Environment.WebRootFileProvider);
        app.UseWhen(context => paths.Contains(context.Request.Path.Value ?? string.Empty), console => console
            .UseDefaultFiles()
            .UseStaticFiles(new StaticFileOptions
            {
                // Revalidated on every load (ETag, 304), so a new version of the console is never mixed with an old one.
                OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
            }));
        return app;
    }

    private static void AddFiles(IFileProvider webRoot, string folder, HashSet<string> paths)
    {
        foreach (var entry in webRoot.GetDirectoryContents(folder))
        {
            var path = $"{folder}/{entry.Name}";
            if (entry.IsDirectory)
            {
                AddFiles(webRoot, path, paths);
            }
            else
            {
                paths.Add(path);
            }
        }
    }
}
