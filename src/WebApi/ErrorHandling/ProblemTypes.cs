namespace AbParts.WebApi.ErrorHandling;

/// <summary>The stable <c>type</c> of every problem the API reports (RFC 9457 §3.1.1).</summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:abparts:problem:";

    public const string Validation = Prefix + "validation";
    public const string MalformedRequest = Prefix + "malformed-request";
    public const string Unauthorized = Prefix + "unauthorized";
    public const string Forbidden = Prefix + "forbidden";
    public const string NotFound = Prefix + "not-found";
    public const string MethodNotAllowed = Prefix + "method-not-allowed";
    public const string Conflict = Prefix + "conflict";
    public const string PayloadTooLarge = Prefix + "payload-too-large";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string BusinessRule = Prefix + "business-rule";
    public const string InvalidMedia = Prefix + "invalid-media";
    public const string RangeNotSatisfiable = Prefix + "range-not-satisfiable";
    public const string TooManyRequests = Prefix + "too-many-requests";
    public const string Internal = Prefix + "internal";
    public const string Unavailable = Prefix + "unavailable";
    public const string InsufficientStorage = Prefix + "insufficient-storage";

    /// <summary>The type for a bare status code (no exception behind it).</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => MalformedRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        416 => RangeNotSatisfiable,
        422 => BusinessRule,
        429 => TooManyRequests,
        503 => Unavailable,
        507 => InsufficientStorage,
        _ => status >= 500 ? Internal : MalformedRequest,
    };
}
