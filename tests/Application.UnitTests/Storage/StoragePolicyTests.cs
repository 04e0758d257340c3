using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;
using Microsoft.Extensions.Options;

namespace AbParts.Application.UnitTests.Storage;

public sealed class StoragePolicyTests
{
    private static StoragePolicy Policy(StorageBackend videos = StorageBackend.Local, int maxImageBytes = 512_000) =>
        new(Options.Create(new ImageOptions { MaxBytes = maxImageBytes }),
            Options.Create(new VideoStorageOptions { Backend = videos }));

    [Theory]
    [InlineData(1)]
    [InlineData(512_000)]
    public void ImagesThatFitTheLimitGoToPostgres(long size)
    {
        var backend = Policy().Choose(MediaKind.Image, size);

        backend.Should().Be(StorageBackend.Postgres);
    }

    [Fact]
    public void AnImageOverTheLimitGoesToTheVideoStore()
    {
        var backend = Policy(StorageBackend.S3).Choose(MediaKind.Image, 512_001);

        backend.Should().Be(StorageBackend.S3);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100_000_000)]
    public void VideosGoToTheConfiguredVideoStoreWhateverTheirSize(long size)
    {
        Policy(StorageBackend.S3).Choose(MediaKind.Video, size).Should().Be(StorageBackend.S3);
        Policy(StorageBackend.Local).Choose(MediaKind.Video, size).Should().Be(StorageBackend.Local);
    }

    [Theory]
    [InlineData(1, StorageBackend.Postgres)]
    [InlineData(512_000, StorageBackend.Postgres)]
    [InlineData(512_001, StorageBackend.S3)]
    [InlineData(25_000_000, StorageBackend.S3)]
    public void AChatFileUpToTheImageLimitGoesToPostgresAndALargerOneToTheVideoStore(long size, StorageBackend expected)
    {
        var backend = Policy(StorageBackend.S3).Choose(MediaKind.File, size);

        backend.Should().Be(expected);
    }

    [Fact]
    public void TheImageLimitComesFromConfiguration()
    {
        var backend = Policy(maxImageBytes: 1000).Choose(MediaKind.Image, 1001);

        backend.Should().Be(StorageBackend.Local);
    }

    [Fact]
    public void PostgresIsNotAVideoStore()
    {
        var choosing = () => Policy(StorageBackend.Postgres).Choose(MediaKind.Video, 10);

        choosing.Should().Throw<InvalidOperationException>().WithMessage("*Local or S3*");
    }
}
