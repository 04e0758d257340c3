using System.Net;
using System.Net.Sockets;
using AbParts.Application.Common.Exceptions;
using Amazon.Runtime;

namespace AbParts.Infrastructure.Storage.S3;

/// <summary>
/// Turns an S3 server out of reach into the application's <see cref="DependencyUnavailableException"/> (503 with
/// <c>Retry-After</c>) at the S3 media store's operations, as <c>DatabaseErrors</c> does for PostgreSQL (ADR 0011), so
/// that no layer above sees an AWS SDK type. Every other failure (a refused key, a missing bucket) stays what it is: a
/// fault of configuration or code, answered with a 500.
/// </summary>
internal static class S3Errors
{
    public const string UnavailableMessage = "The video store cannot be reached. Try again shortly.";

    /// <summary>The application exception <paramref name="exception"/> stands for, or <c>null</c> when it stays as it is.</summary>
    public static Exception? Translate(Exception exception) =>
        IsUnavailable(exception)
            ? new DependencyUnavailableException(UnavailableMessage, DependencyUnavailableException.DefaultRetryAfter, exception)
            : null;

    /// <summary>Runs work on the S3 server, rethrowing its failures as <see cref="Translate"/> says.</summary>
    public static async Task<T> TranslateAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception exception) when (Translate(exception) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// No connection, a connection lost or timed out (the SDK throws the HTTP client's exceptions as they are, after its
    /// retries), or a 5xx answer such as 503 SlowDown. The caller's own cancellation is not: the client went away.
    /// </summary>
    private static bool IsUnavailable(Exception exception) => exception switch
    {
        DependencyUnavailableException => false,
        OperationCanceledException { InnerException: not TimeoutException } => false,
        AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError } => true,
        _ => Causes(exception).Any(e => e is HttpRequestException or SocketException or TimeoutException),
    };

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }
}
