using Microsoft.AspNetCore.Mvc;

namespace AbParts.WebApi.ErrorHandling;

public static class ProblemResponses
{
    /// <summary>Writes an RFC 9457 body through <see cref="IProblemDetailsService"/> (which adds the trace id).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string type, string title, string detail,
        IDictionary<string, string[]>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        var problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        problem.Status = status;
        problem.Type = type;
        problem.Title = title;
        problem.Detail = detail;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
        }
    }
}
