namespace AbParts.Domain.Common;

/// <summary>Shared checks for the human-entered text the aggregates hold.</summary>
public static class Text
{
    /// <summary>Trims <paramref name="value"/> and enforces a length range and the absence of control characters.</summary>
    public static string Required(string? value, string what, int maxLength)
    {
        var trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new DomainException($"The {what} must not be empty.");
        }

        return Checked(trimmed, what, maxLength);
    }

    /// <summary>Like <see cref="Required"/>, but an empty or blank value becomes <c>null</c>.</summary>
    public static string? Optional(string? value, string what, int maxLength)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : Checked(trimmed, what, maxLength);
    }

    private static string Checked(string value, string what, int maxLength)
    {
        if (value.Length > maxLength)
        {
            throw new DomainException($"The {what} must be at most {maxLength} characters long.");
        }

        if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            throw new DomainException($"The {what} must not contain control characters.");
        }

        return value;
    }
}
