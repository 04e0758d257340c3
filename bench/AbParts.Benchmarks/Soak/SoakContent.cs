using System.Security.Cryptography;
using System.Text;

namespace AbParts.Benchmarks.Soak;

/// <summary>What the soak uploads besides photographs, and how it compares bytes.</summary>
internal static class SoakContent
{
    private static readonly string[] Words =
    [
        "pump", "flange", "leaks", "bearing", "replaced", "seal", "pressure", "bar", "shift", "crusher", "belt",
        "conveyor", "filter", "oil", "checked", "vibration", "motor", "gearbox", "torque", "bolt", "inspection", "worn",
    ];

    /// <summary>
    /// Sizes of the chat notes: small ones stay in PostgreSQL, the two above <c>Images:MaxBytes</c> (512000) go to the
    /// video store, so both stores are soaked.
    /// </summary>
    private static readonly int[] NoteSizes = [1_024, 8_192, 65_536, 262_144, 700_000, 1_500_000];

    /// <summary>A plain UTF-8 text of one of <see cref="NoteSizes"/>: a shift log, as the chat carries them.</summary>
    public static byte[] Note(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var size = NoteSizes[random.Next(NoteSizes.Length)];
        var text = new StringBuilder(size + 64);
        while (text.Length < size)
        {
            text.Append(random.Next(1, 3000)).Append(' ');
            for (var i = random.Next(4, 12); i > 0; i--)
            {
                text.Append(Words[random.Next(Words.Length)]).Append(' ');
            }

            text.Append(random.Next(0, 99)).Append(".\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, size - 1) + "\n");
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Whether <paramref name="bytes"/> are what an acknowledgement promised (<see cref="Acknowledged.Sha256"/>).</summary>
    public static bool Matches(ReadOnlySpan<byte> bytes, string sha256OrVersion, long size) =>
        bytes.Length == size && Sha256(bytes).StartsWith(sha256OrVersion, StringComparison.Ordinal);
}
