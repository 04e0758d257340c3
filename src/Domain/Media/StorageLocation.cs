using System.Text.RegularExpressions;
using AbParts.Domain.Common;

namespace AbParts.Domain.Media;

/// <summary>Where stored bytes live. Images are always in PostgreSQL; videos and large files in the configured video store.</summary>
public enum StorageBackend
{
    Postgres,
    Local,
    S3,
}

/// <summary>
/// A stored object: its backend and key. Keys are made by the service from ids (never from a client's
/// file name): lower-case letters, digits and <c>/ . _ -</c>, no empty segment, no <c>..</c>.
/// </summary>
public sealed partial record StorageLocation
{
    public const int KeyMaxLength = 300;

    private StorageLocation(StorageBackend backend, string key)
    {
        Backend = backend;
        Key = key;
    }

    public StorageBackend Backend { get; }

    public string Key { get; }

    public static StorageLocation Create(StorageBackend backend, string key)
    {
        if (!Enum.IsDefined(backend))
        {
            throw new DomainException($"Unknown storage backend '{backend}'.");
        }

        return IsValidKey(key) ? new StorageLocation(backend, key) : throw new DomainException($"'{key}' is not a valid storage key.");
    }

    public static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= KeyMaxLength } && KeyPattern().IsMatch(key) && !key.Split('/').Any(s => s is "." or "..");

    public override string ToString() => $"{Backend}:{Key}";

    [GeneratedRegex("^[a-z0-9._-]+(/[a-z0-9._-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
