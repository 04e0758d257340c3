using System.Globalization;
using System.Text.Json;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace AbParts.WebApi.ErrorHandling;

/// <summary>
/// The one place where exceptions become HTTP answers. It knows only the application's exceptions:
/// Infrastructure translates database failures (ADR 0011) and a full disk (ADR 0037) into them. Unknown
/// exceptions are a logged 500 without details.
/// </summary>
internal sealed partial class ProblemDetailsExceptionHandler(ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception,
        CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            httpContext.Response.StatusCode = 499; // the client went away; nobody reads an answer
            return true;
        }

        var (status, type, title, detail) = exception switch
        {
            ValidationException e => (400, ProblemTypes.Validation, "Invalid request", e.Message),
            BadHttpRequestException e => (e.StatusCode, ProblemTypes.ForStatus(e.StatusCode), BadRequestTitle(e.StatusCode),
                BadRequestDetail(e)),
            AuthenticationFailedException e => (401, ProblemTypes.Unauthorized, "Sign-in failed", e.Message),
            ForbiddenAccessException e => (403, ProblemTypes.Forbidden, "Forbidden", e.Message),
            NotFoundException e => (404, ProblemTypes.NotFound, "Not found", e.Message),
            ConflictException e => (409, ProblemTypes.Conflict, "Conflict", e.Message),
            UnsupportedMediaException e => (415, ProblemTypes.UnsupportedMediaType, "Unsupported media type", e.Message),
            PayloadTooLargeException e => (413, ProblemTypes.PayloadTooLarge, "Payload too large", e.Message),
            UnprocessableMediaException e => (422, ProblemTypes.InvalidMedia, "File cannot be processed", e.Message),
            DomainException e => (422, ProblemTypes.BusinessRule, "Business rule violated", e.Message),
            TooManyRequestsException e => (429, ProblemTypes.TooManyRequests, "Too many requests", e.Message),
            DependencyUnavailableException e => (503, ProblemTypes.Unavailable, "Service unavailable", e.Message),
            InsufficientStorageException e => (507, ProblemTypes.InsufficientStorage, "Insufficient storage", e.Message),
            _ => (500, ProblemTypes.Internal, "Internal error",
                "An unexpected error occurred. Quote the trace id when reporting it."),
        };

        if (exception is DependencyUnavailableException unavailable)
        {
            LogUnavailable(logger, unavailable.Message, exception.GetBaseException().Message);
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(unavailable.RetryAfter);
        }
        else if (exception is TooManyRequestsException tooMany)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(tooMany.RetryAfter);
        }
        else if (exception is InsufficientStorageException)
        {
            LogInsufficientStorage(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        }
        else if (status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (exception is AuthenticationFailedException)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"abparts\"";
        }

        var errors = exception is ValidationException validation
            ? validation.Errors.ToDictionary(e => e.Key, e => e.Value)
            : null;
        await ProblemResponses.WriteAsync(httpContext, status, type, title, detail, errors);
        return true;
    }

    /// <summary>Retry-After in whole seconds (RFC 9110 §10.2.3), rounded up.</summary>
    private static string RetryAfterSeconds(TimeSpan retryAfter) =>
        ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string BadRequestTitle(int status) => status switch
    {
        413 => "Payload too large",
        415 => "Unsupported media type",
        _ => "Malformed request",
    };

    /// <summary>Says what was wrong with the request without echoing internals.</summary>
    private static string BadRequestDetail(BadHttpRequestException exception) => exception.InnerException switch
    {
        JsonException json => $"The request body is not valid JSON for this operation: {json.Message}",
        _ when exception.StatusCode == 415 => "Send the request body as application/json.",
        _ => exception.Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unavailable: {Detail} ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string detail, string reason);

    /// <summary>An error, not a warning: uploads fail until an operator frees space; the reason names the file, so the disk.</summary>
    [LoggerMessage(Level = LogLevel.Error, Message = "Out of disk space for {Method} {Path}: {Reason}")]
    private static partial void LogInsufficientStorage(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
