using System.Security.Cryptography;
using AbParts.Domain.Common;

namespace AbParts.Domain.Images;

/// <summary>The SHA-256 of stored bytes as 64 lower-case hex digits; the strong ETag and URL version of media.</summary>
public sealed record ContentHash
{
    public const int Length = 64;

    private ContentHash(string value) => Value = value;

    public string Value { get; }

    public static ContentHash Of(ReadOnlySpan<byte> bytes) =>
        new(Convert.ToHexStringLower(SHA256.HashData(bytes)));

    public static ContentHash Parse(string hex)
    {
        if (hex is not { Length: Length } || !hex.All(char.IsAsciiHexDigitLower))
        {
            throw new DomainException("A content hash is 64 lower-case hex digits.");
        }

        return new ContentHash(hex);
    }

    public override string ToString() => Value;
}
