using System.Text.Json;
using FluentValidation.Results;

namespace AbParts.Application.Common.Exceptions;

// The closed set of expected failures. WebApi maps each to one ProblemDetails type in one place.

/// <summary>The request is malformed; maps to 400 with the errors of each field (snake_case, as on the wire).</summary>
public sealed class ValidationException : Exception
{
    public ValidationException() : this(Array.Empty<ValidationFailure>()) { }

    public ValidationException(string message) : base(message) => Errors = new Dictionary<string, string[]>();

    public ValidationException(string message, Exception innerException) : base(message, innerException) =>
        Errors = new Dictionary<string, string[]>();

    public ValidationException(IEnumerable<ValidationFailure> failures)
        : base("One or more fields are invalid.") =>
        Errors = failures
            .GroupBy(f => WireName(f.PropertyName), f => f.ErrorMessage)
            .ToDictionary(g => g.Key, g => g.Distinct().ToArray());

    public ValidationException(string field, string error)
        : base("One or more fields are invalid.") =>
        Errors = new Dictionary<string, string[]> { [field] = [error] };

    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>"Items[0].PartNumber" becomes "items[0].part_number".</summary>
    public static string WireName(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(segment =>
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            return bracket < 0
                ? JsonNamingPolicy.SnakeCaseLower.ConvertName(segment)
                : JsonNamingPolicy.SnakeCaseLower.ConvertName(segment[..bracket]) + segment[bracket..];
        }));
}

/// <summary>The addressed resource does not exist (or the caller may not know it exists); maps to 404.</summary>
public sealed class NotFoundException : Exception
{
    public NotFoundException() : base("The resource was not found.") { }

    public NotFoundException(string message) : base(message) { }

    public NotFoundException(string message, Exception innerException) : base(message, innerException) { }

    public static NotFoundException For(string resource, object id) => new($"{resource} '{id}' was not found.");
}

/// <summary>The request collides with existing state, such as a duplicate unique key; maps to 409.</summary>
public sealed class ConflictException : Exception
{
    /// <summary>Why a request lost a race with another: nothing was saved and it may simply be retried.</summary>
    public const string ConcurrentChange = "Another request changed this at the same moment; nothing was saved. Try again.";

    public ConflictException() : base("The request conflicts with the current state.") { }

    public ConflictException(string message) : base(message) { }

    public ConflictException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The caller is known but not allowed to do this; maps to 403.</summary>
public sealed class ForbiddenAccessException : Exception
{
    public ForbiddenAccessException() : base("You are not allowed to do this.") { }

    public ForbiddenAccessException(string message) : base(message) { }

    public ForbiddenAccessException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>Sign-in failed; maps to 401. Never says whether the user or the password was wrong.</summary>
public sealed class AuthenticationFailedException : Exception
{
    public AuthenticationFailedException() : base("The username or password is incorrect.") { }

    public AuthenticationFailedException(string message) : base(message) { }

    public AuthenticationFailedException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The upload is not in a format we accept; maps to 415.</summary>
public sealed class UnsupportedMediaException : Exception
{
    public UnsupportedMediaException() : base("This file type is not supported.") { }

    public UnsupportedMediaException(string message) : base(message) { }

    public UnsupportedMediaException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The upload is larger than allowed; maps to 413.</summary>
public sealed class PayloadTooLargeException : Exception
{
    public PayloadTooLargeException() : base("The upload is too large.") { }

    public PayloadTooLargeException(string message) : base(message) { }

    public PayloadTooLargeException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The upload is of an accepted type but cannot be used (corrupt, too many pixels, cannot be compressed enough); maps to 422.</summary>
public sealed class UnprocessableMediaException : Exception
{
    public UnprocessableMediaException() : base("The file cannot be processed.") { }

    public UnprocessableMediaException(string message) : base(message) { }

    public UnprocessableMediaException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// Something the service depends on (the database, the image workers) cannot be reached or is full; maps to 503 with
/// <see cref="RetryAfter"/>. Not the request's fault: the same request may succeed once it is back.
/// </summary>
public sealed class DependencyUnavailableException : Exception
{
    /// <summary>What a client is told to wait before retrying when the thrower does not know better.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    public DependencyUnavailableException() : this("A service this request needs cannot be reached. Try again shortly.") { }

    public DependencyUnavailableException(string message) : base(message) { }

    public DependencyUnavailableException(string message, Exception innerException) : base(message, innerException) { }

    public DependencyUnavailableException(string message, TimeSpan retryAfter) : this(message, retryAfter, null) { }

    public DependencyUnavailableException(string message, TimeSpan retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        RetryAfter = retryAfter;
    }

    /// <summary>How long a client should wait before retrying.</summary>
    public TimeSpan RetryAfter { get; } = DefaultRetryAfter;
}

/// <summary>
/// The disk that receives uploads or holds the local video store is full, or its quota is used up; maps to 507. Nothing
/// of the upload was kept. Unlike <see cref="DependencyUnavailableException"/> no wait is promised: the same request
/// succeeds only once an operator has freed space, and reads go on meanwhile.
/// </summary>
public sealed class InsufficientStorageException : Exception
{
    /// <summary>What the client is told: nothing was kept, and a retry helps only after space is freed.</summary>
    public const string NoSpaceLeft =
        "The server has no space left to store this, and nothing of it was kept. Try again once space has been freed.";

    public InsufficientStorageException() : base(NoSpaceLeft) { }

    public InsufficientStorageException(string message) : base(message) { }

    public InsufficientStorageException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// The service is busy with this kind of work (such as password hashing) and refuses more for now; maps to 429 with
/// <see cref="RetryAfter"/>. The same request may succeed after that wait.
/// </summary>
public sealed class TooManyRequestsException : Exception
{
    /// <summary>What a client is told to wait before retrying when the thrower does not know better.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    public TooManyRequestsException() : this("Too many requests of this kind are in progress. Try again shortly.") { }

    public TooManyRequestsException(string message) : base(message) { }

    public TooManyRequestsException(string message, Exception innerException) : base(message, innerException) { }

    public TooManyRequestsException(string message, TimeSpan retryAfter) : base(message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        RetryAfter = retryAfter;
    }

    /// <summary>How long a client should wait before retrying.</summary>
    public TimeSpan RetryAfter { get; } = DefaultRetryAfter;
}
