using System.Buffers.Binary;
using System.Text.Json;
using AbParts.Application.Common.Abstractions;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// What the service and an image worker say to each other over the worker's standard streams, in frames: a
/// 4-byte little-endian length, then that many bytes. The worker first sends a <see cref="WorkerReady"/>
/// frame. Then, per image, the service sends the <see cref="ImageOptions"/> as JSON and the file; the worker
/// answers a <see cref="WorkerReply"/> and, when it succeeded, one frame per rendition, image first, then the
/// thumbnails in the reply's order.
/// </summary>
internal static class WorkerProtocol
{
    /// <summary>No frame is larger: an upload is at most 20 MB by default, and a length past this is garbage.</summary>
    internal const int MaxFrameBytes = 256 << 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static async Task WriteFrameAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, payload.Length);
        await stream.WriteAsync(length, cancellationToken);
        await stream.WriteAsync(payload, cancellationToken);
    }

    public static Task WriteJsonAsync<T>(Stream stream, T message, CancellationToken cancellationToken) =>
        WriteFrameAsync(stream, JsonSerializer.SerializeToUtf8Bytes(message, Json), cancellationToken);

    /// <summary>The next frame, or null when the other side closed the stream between frames.</summary>
    public static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        var read = await stream.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return null;
        }

        var length = read == 4 ? BinaryPrimitives.ReadInt32LittleEndian(header) : -1;
        if (length is < 0 or > MaxFrameBytes)
        {
            throw new InvalidDataException($"A worker frame announced {length} bytes.");
        }

        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return payload;
    }

    public static async Task<T?> ReadJsonAsync<T>(Stream stream, CancellationToken cancellationToken) =>
        await ReadFrameAsync(stream, cancellationToken) is { } frame ? JsonSerializer.Deserialize<T>(frame, Json) : default;
}

/// <summary>The worker's first frame: it has started libvips, warmed up and applied its memory limit.</summary>
internal sealed record WorkerReady(int ProcessId, string Libvips, long AddressSpaceLimitBytes);

/// <summary>How an image went in the worker.</summary>
internal enum WorkerOutcome
{
    Processed,
    Unsupported,
    TooLarge,
    Unprocessable,
    OutOfMemory,
}

/// <summary>A rendition's size; its bytes follow in their own frame.</summary>
internal sealed record WorkerRendition(int Size, int Width, int Height);

/// <param name="Image">The stored rendition (its <see cref="WorkerRendition.Size"/> is 0).</param>
internal sealed record WorkerReply(WorkerOutcome Outcome, string? Message, string? SourceFormat, int Quality,
    WorkerRendition? Image, IReadOnlyList<WorkerRendition> Thumbnails);
