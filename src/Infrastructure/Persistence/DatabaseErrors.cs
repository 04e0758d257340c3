using System.Net.Sockets;
using AbParts.Application.Common.Exceptions;
using Npgsql;

namespace AbParts.Infrastructure.Persistence;

/// <summary>
/// Turns the PostgreSQL failures a client can do something about into the application's exceptions, at
/// the ports that reach the database (repository, unit of work and its transaction, gallery lock,
/// PostgreSQL media store), so that no layer above sees an Npgsql or EF Core type (ADR 0011). Every
/// other failure stays what it is: a defect, answered with a 500.
/// </summary>
internal static class DatabaseErrors
{
    public const string UnavailableMessage = "The database cannot be reached. Try again shortly.";

    /// <summary>The application exception <paramref name="exception"/> stands for, or <c>null</c> when it stays as it is.</summary>
    public static Exception? Translate(Exception exception) => exception switch
    {
        // The caller's cancellation (the client went away) is not a database failure, even though
        // Npgsql gives it a TimeoutException as its cause.
        OperationCanceledException => null,
        ConflictException or DependencyUnavailableException => null, // translated further down already
        _ when IsConcurrencyFailure(exception) => new ConflictException(ConflictException.ConcurrentChange, exception),
        _ when IsUnavailable(exception) => new DependencyUnavailableException(UnavailableMessage,
            DependencyUnavailableException.DefaultRetryAfter, exception),
        _ => null,
    };

    /// <summary>Runs database work, rethrowing its failures as <see cref="Translate"/> says.</summary>
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

    /// <summary>A deadlock or serialization failure: PostgreSQL rolled the transaction back and it may be retried.</summary>
    private static bool IsConcurrencyFailure(Exception exception) =>
        exception.GetBaseException() is PostgresException
        {
            SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
        };

    /// <summary>
    /// PostgreSQL down, unreachable or refusing work for now (Npgsql's transient errors, such as a refused
    /// connection, a timeout, too many connections or a lock not available). A failing statement is not.
    /// </summary>
    private static bool IsUnavailable(Exception exception) =>
        exception.GetBaseException() is SocketException or TimeoutException
        || exception is NpgsqlException { IsTransient: true }
        || exception.InnerException is NpgsqlException { IsTransient: true };
}
