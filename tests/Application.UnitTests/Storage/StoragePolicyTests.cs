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
    [InlineData(MediaKind.Video, 10)]
    [InlineData(MediaKind.Video, 100_000_000)]
    [InlineData(MediaKind.File, 10)]
    public void VideosAndFilesGoToTheConfiguredVideoStoreWhateverTheirSize(MediaKind kind, long size)
    {
        Policy(StorageBackend.S3).Choose(kind, size).Should().Be(StorageBackend.S3);
        Policy(StorageBackend.Local).Choose(kind, size).Should().Be(StorageBackend.Local);
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
