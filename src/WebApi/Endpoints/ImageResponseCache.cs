using Microsoft.AspNetCore.OutputCaching;

namespace AbParts.WebApi.Endpoints;

/// <summary>
/// Keeps recently served image responses in memory for <c>Images:ResponseCacheSeconds</c> (default 10),
/// so hot images are served without touching PostgreSQL. It runs after authorization (every request is
/// still authenticated), stores only 200 answers, varies by the whole query (size, version, signature),
/// and is tagged by owner so an upload or removal on this instance evicts at once; other instances see
/// a change within the lifetime.
/// </summary>
public sealed class ImageResponseCache : IOutputCachePolicy
{
    public const string PolicyName = "images";

    /// <summary>Responses larger than this are not kept; stored images are at most 500 KB.</summary>
    public const long MaximumBodySize = 600 * 1024;

    public static string UserTag(Guid id) => $"images:user:{id}";

    public static string OrganizationTag(Guid id) => $"images:organization:{id}";

    public static string PartTag(Guid id) => $"images:part:{id}";

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var request = context.HttpContext.Request;
        var seconds = context.HttpContext.RequestServices.GetRequiredService<IConfiguration>()
            .GetValue("Images:ResponseCacheSeconds", 10);
        var cacheable = seconds > 0 && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method));
        context.EnableOutputCaching = cacheable;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = TimeSpan.FromSeconds(Math.Max(seconds, 1));
        context.CacheVaryByRules.QueryKeys = "*";
        if (request.RouteValues.TryGetValue("id", out var raw) && Guid.TryParse(raw?.ToString(), out var id))
        {
            var path = request.Path.Value ?? string.Empty;
            context.Tags.Add(path.StartsWith("/images/users/", StringComparison.Ordinal) ? UserTag(id)
                : path.StartsWith("/images/organizations/", StringComparison.Ordinal) ? OrganizationTag(id)
                : PartTag(id));
        }

        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) =>
        ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        context.AllowCacheStorage &= context.HttpContext.Response.StatusCode == StatusCodes.Status200OK;
        return ValueTask.CompletedTask;
    }
}
