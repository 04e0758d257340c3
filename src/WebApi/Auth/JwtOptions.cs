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

    /// <summary>Tolerated clock difference between issuer and validator.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public byte[] SigningKeyBytes() => Encoding.UTF8.GetBytes(SigningKey ?? string.Empty);
}
