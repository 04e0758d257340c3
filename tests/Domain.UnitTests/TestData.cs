namespace AbParts.Domain.UnitTests;

/// <summary>Fixed values shared by the domain tests.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Non-empty bytes of the given length that differ from position to position.</summary>
    public static byte[] Bytes(int length, byte seed = 7)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = unchecked((byte)(seed + (i * 31)));
        }

        return bytes;
    }
}
