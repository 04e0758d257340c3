using System.Runtime.InteropServices;
using AbParts.Application.Common.Abstractions;
using Microsoft.Extensions.Options;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// <see cref="ImagePipeline"/> on the service's own thread pool (<c>Images:Isolation = InProcess</c>), at most
/// <see cref="ImageWorkerOptions.Workers"/> images at once. No timeout or memory limit can stop a thread, so
/// this mode is for tests and debugging; the service runs <see cref="WorkerPoolImageProcessor"/>.
/// </summary>
public sealed class InProcessImageProcessor(IOptions<ImageWorkerOptions> options) : IImageProcessor
{
    private readonly ImageJobSlots<int> _slots = new(Enumerable.Range(0, options.Value.Workers), options.Value.QueueLength);

    public async Task<ProcessedImage> ProcessAsync(ReadOnlyMemory<byte> input, ImageOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ImagePipeline.CheckSize(input.Length, options.MaxInputBytes);
        cancellationToken.ThrowIfCancellationRequested();
        var bytes = MemoryMarshal.TryGetArray(input, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : input.ToArray();
        var slot = await _slots.TakeAsync(cancellationToken);
        try
        {
            return await Task.Run(() => ImagePipeline.Process(bytes, options), cancellationToken);
        }
        finally
        {
            _slots.Release(slot);
        }
    }
}
