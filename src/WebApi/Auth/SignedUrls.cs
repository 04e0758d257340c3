using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using AbParts.WebApi.ErrorHandling;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AbParts.WebApi.Auth;

/// <summary><c>Auth:SignedUrls</c>: the key and lifetime of media URLs that work without a header (<c>&lt;img src&gt;</c>).</summary>
public sealed class SignedUrlOptions
{
    public const string SectionName = "Auth:SignedUrls";

    /// <summary>At least 32 bytes of UTF-8; generated into <c>$ABPARTS_DATA_DIR/secrets/signed-url-key</c> when empty.</summary>
    public string? Key { get; set; }

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Signs a media path with its query: <c>…&amp;exp=&lt;unix seconds&gt;&amp;sig=&lt;HMAC-SHA256, base64url&gt;</c>.
/// The signature covers the path and every other query parameter, so a URL cannot be pointed at another
/// image, size or version, nor kept past its expiry.
/// </summary>
public sealed class UrlSigner(IOptions<SignedUrlOptions> options, TimeProvider time)
{
    public const string ExpiresParameter = "exp";
    public const string SignatureParameter = "sig";

    /// <param name="pathAndQuery">A relative URL such as <c>/images/parts/{id}/0?size=200&amp;v=…</c>.</param>
    public string Sign(string pathAndQuery)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        var expires = time.GetUtcNow().Add(options.Value.Lifetime).ToUnixTimeSeconds();
        var separator = pathAndQuery.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var unsigned = $"{pathAndQuery}{separator}{ExpiresParameter}={expires}";
        var (path, query) = Split(unsigned);
        return $"{unsigned}&{SignatureParameter}={Signature(path, query)}";
    }

    /// <summary>Checks a request's path and query; the reason when it fails.</summary>
    public string? Verify(PathString path, IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.TryGetValue(SignatureParameter, out var signatures) || signatures.Count != 1)
        {
            return "The URL carries no signature.";
        }

        if (!query.TryGetValue(ExpiresParameter, out var expiries) || expiries.Count != 1
            || !long.TryParse(expiries[0], out var expires))
        {
            return "The signed URL has no valid expiry.";
        }

        var rest = query.Where(p => p.Key != SignatureParameter)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty)));
        var expected = Encoding.ASCII.GetBytes(Signature(path.Value ?? string.Empty, rest));
        var given = Encoding.ASCII.GetBytes(signatures[0] ?? string.Empty);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return "The URL's signature does not match.";
        }

        return expires < time.GetUtcNow().ToUnixTimeSeconds() ? "The signed URL has expired." : null;
    }

    private string Signature(string path, IEnumerable<KeyValuePair<string, string>> query)
    {
        // Canonical form: the path, then the parameters sorted by name and value, each URL-encoded.
        var canonical = new StringBuilder(path);
        foreach (var (name, value) in query.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            canonical.Append('\n').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        var key = Encoding.UTF8.GetBytes(options.Value.Key ?? string.Empty);
        return WebEncoders.Base64UrlEncode(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    private static (string Path, IEnumerable<KeyValuePair<string, string>> Query) Split(string pathAndQuery)
    {
        var mark = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var parsed = QueryHelpers.ParseQuery(pathAndQuery[mark..]);
        return (pathAndQuery[..mark],
            parsed.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty))));
    }
}

/// <summary>Authenticates a request by its signed URL. Only media routes accept this scheme.</summary>
public sealed class SignedUrlAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    UrlSigner signer) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "SignedUrl";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Query.ContainsKey(UrlSigner.SignatureParameter))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var failure = signer.Verify(Request.Path, Request.Query);
        if (failure is not null)
        {
            return Task.FromResult(AuthenticateResult.Fail(failure));
        }

        var identity = new ClaimsIdentity([new Claim("media_path", Request.Path.Value ?? string.Empty)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>
    /// Speaks only for requests that tried a signed URL (media routes challenge this scheme first), so the
    /// caller learns why it failed; otherwise the bearer scheme answers.
    /// </summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (!Request.Query.ContainsKey(UrlSigner.SignatureParameter) || Response.HasStarted)
        {
            return;
        }

        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        await ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized,
            "Authentication required", failure ?? "Send a bearer token, or use a signed URL handed out by the API.");
    }
}
