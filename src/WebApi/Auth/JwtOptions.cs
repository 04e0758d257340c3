using System.ComponentModel.DataAnnotations;
using System.Text;

namespace AbParts.WebApi.Auth;

/// <summary><c>Auth:Jwt</c>: how bearer tokens are signed and checked (HS256).</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Auth:Jwt";

    /// <summary>HS256 needs a key of at least 256 bits.</summary>
    public const int MinKeyBytes = 32;

    [Required]
    public string Issuer { get; set; } = "abparts-media";

    [Required]
    public string Audience { get; set; } = "abparts";

    /// <summary>
    /// At least 32 bytes of UTF-8. When empty, a random key is generated once and kept in
    /// <c>$ABPARTS_DATA_DIR/secrets/jwt-signing-key</c>.
    /// </summary>
    public string? SigningKey { get; set; }

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Tolerated clock difference between issuer and validator; 30 seconds at most.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a user's security stamp is remembered, so a bearer request does not read the database. A new
    /// password, a role change or a removal made through this instance takes effect at once; made elsewhere
    /// (another instance, a command-line verb), within this time. Zero reads the stamp on every request.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan SecurityStampCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    public byte[] SigningKeyBytes() => Encoding.UTF8.GetBytes(SigningKey ?? string.Empty);
}
