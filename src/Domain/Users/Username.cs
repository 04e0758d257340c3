using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using AbParts.Domain.Common;

namespace AbParts.Domain.Users;

/// <summary>A sign-in name: case-insensitive, so it is kept in lower case.</summary>
public sealed partial record Username
{
    public const int MinLength = 3;
    public const int MaxLength = 64;

    private Username(string value) => Value = value;

    public string Value { get; }

    public const string Rule =
        "A username has 3 to 64 characters: letters, digits, '.', '_', '-' or '@', starting with a letter or digit.";

    public static Username Create(string? raw) =>
        TryCreate(raw, out var username) ? username : throw new DomainException(Rule);

    public static bool TryCreate(string? raw, [NotNullWhen(true)] out Username? username)
    {
        var value = raw?.Trim().ToLowerInvariant() ?? string.Empty;
        username = value.Length is >= MinLength and <= MaxLength && Allowed().IsMatch(value) ? new Username(value) : null;
        return username is not null;
    }

    public override string ToString() => Value;

    [GeneratedRegex("^[a-z0-9][a-z0-9._@-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Allowed();
}
