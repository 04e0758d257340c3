using AbParts.Application.Common.Abstractions;
using AbParts.Application.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using Microsoft.Extensions.Options;
using Moq;

namespace AbParts.Application.UnitTests.Images;

/// <summary>The ports the image use cases need, in memory, with a processor that answers without libvips.</summary>
public sealed class ImageHandlerFixture
{
    public ImageOptions Options { get; } = new() { MaxInputBytes = 1000, MaxImagesPerPart = 3 };

    public InMemoryMediaStore Store { get; } = new();

    public InMemoryRepository<ImageAsset> Images { get; } = new();

    public CountingUnitOfWork UnitOfWork { get; } = new();

    public Mock<IImageProcessor> Processor { get; } = new();

    public ImageHandlerFixture() =>
        Processor.Setup(p => p.ProcessAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<ImageOptions>(), It.IsAny<CancellationToken>()))
            .Returns<ReadOnlyMemory<byte>, ImageOptions, CancellationToken>((input, options, _) => Task.FromResult(Processed(input)));

    public ImageStorage Storage() =>
        new(Processor.Object, Store, new StoragePolicy(Microsoft.Extensions.Options.Options.Create(Options),
                Microsoft.Extensions.Options.Options.Create(new VideoStorageOptions { Backend = StorageBackend.Local })),
            Images, Microsoft.Extensions.Options.Options.Create(Options), Fakes.Clock());

    /// <summary>An image processed and stored as an upload would be, for tests that need one in place.</summary>
    public async Task<ImageAsset> StoredAsync(params byte[] bytes)
    {
        var storage = Storage();
        return await storage.StoreAsync(await storage.ProcessAsync(File(bytes), CancellationToken.None), CancellationToken.None);
    }

    public IOptions<ImageOptions> OptionsValue => Microsoft.Extensions.Options.Options.Create(Options);

    public static UploadedFile File(params byte[] bytes) => new("photo.jpg", bytes.Length, new MemoryStream(bytes));

    /// <summary>A "WebP" that differs per input, at 800x600, with thumbnails of each size.</summary>
    public static ProcessedImage Processed(ReadOnlyMemory<byte> input)
    {
        var bytes = input.ToArray().Concat("webp"u8.ToArray()).ToArray();
        var thumbnails = ImageLimits.ThumbnailSizes.ToDictionary(size => size,
            size => new EncodedImage([.. bytes, (byte)(size / 100)], size, size * 3 / 4));
        return new ProcessedImage(new EncodedImage(bytes, 800, 600), thumbnails, "jpeg", 85);
    }
}
