using System.Buffers;
using System.Security.Cryptography;

namespace AbParts.Application.Backups;

/// <summary>Size and SHA-256 of a stream, computed while it is read (and copied, when there is a destination).</summary>
internal static class BackupHashing
{
    private const int BufferSize = 256 * 1024;

    public static async Task<(long Size, string Sha256)> HashAsync(Stream source, Stream? destination,
        CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long size = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                if (destination is not null)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                size += read;
            }

            return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
