using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Runtime.InteropServices;
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
    private readonly Lazy<byte[]> _key = new(() => Encoding.UTF8.GetBytes(options.Value.Key ?? string.Empty));

    public const string ExpiresParameter = "exp";
    public const string SignatureParameter = "sig";

    private const int SignatureBytes = HMACSHA256.HashSizeInBytes;

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

        var rest = new List<KeyValuePair<string, string>>(query.Count);
        foreach (var (name, values) in query)
        {
            if (name != SignatureParameter)
            {
                foreach (var value in values)
                {
                    rest.Add(new KeyValuePair<string, string>(name, value ?? string.Empty));
                }
            }
        }

        // Compared as text in constant time, so only the one encoding this service hands out is accepted.
        Span<byte> hash = stackalloc byte[SignatureBytes];
        Span<char> expected = stackalloc char[Base64Url.GetEncodedLength(SignatureBytes)];
        Hmac(path.Value ?? string.Empty, rest, hash);
        Base64Url.EncodeToChars(hash, expected);
        var given = signatures[0].AsSpan();
        if (!CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(expected), MemoryMarshal.AsBytes(given)))
        {
            return "The URL's signature does not match.";
        }

        return expires < time.GetUtcNow().ToUnixTimeSeconds() ? "The signed URL has expired." : null;
    }

    private string Signature(string path, IEnumerable<KeyValuePair<string, string>> query)
    {
        Span<byte> hash = stackalloc byte[SignatureBytes];
        Hmac(path, [.. query], hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>HMAC-SHA256 of the canonical form: the path, then the parameters sorted by name and value, each URL-encoded.</summary>
    private void Hmac(string path, List<KeyValuePair<string, string>> query, Span<byte> destination)
    {
        query.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key) is var byName and not 0
            ? byName
            : string.CompareOrdinal(a.Value, b.Value));
        var canonical = new StringBuilder(path, path.Length + 128);
        foreach (var (name, value) in query)
        {
            canonical.Append('\n').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(canonical.ToString()), destination);
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
