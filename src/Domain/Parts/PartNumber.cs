using AbParts.Domain.Common;

namespace AbParts.Domain.Parts;

/// <summary>The catalogue number of a part; unique across the platform, compared exactly as written.</summary>
public sealed record PartNumber
{
    public const int MaxLength = 100;

    private PartNumber(string value) => Value = value;

    public string Value { get; }

    public static PartNumber Create(string? raw)
    {
        var value = Text.Required(raw, "part number", MaxLength);
        if (value.Any(c => c is '\n' or '\r' or '\t'))
        {
            throw new DomainException("A part number must be on one line.");
        }

        return new PartNumber(value);
    }

    public override string ToString() => Value;
}
