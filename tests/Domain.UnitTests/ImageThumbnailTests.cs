using System.Security.Cryptography;
using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Media;

namespace AbParts.Domain.UnitTests;

public sealed class ImageThumbnailTests
{
    private static ImageAsset NewImage() =>
        ImageAsset.Create(TestData.Bytes(4096), new ImageMetadata(1024, 768), StorageBackend.Postgres, TestData.Now);

    [Theory]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(300)]
    public void AddsAThumbnailOfEachAllowedSize(int size)
    {
        var image = NewImage();
        var bytes = TestData.Bytes(500, seed: 3);

        image.AddThumbnail(size, bytes, new ImageMetadata(size, size * 3 / 4));

        var thumbnail = image.Thumbnails.Should().ContainSingle().Subject;
        thumbnail.Size.Should().Be(size);
        thumbnail.Width.Should().Be(size);
        thumbnail.Height.Should().Be(size * 3 / 4);
        thumbnail.Location.Should().Be(StorageLocation.Create(StorageBackend.Postgres, $"images/{image.Id.Value:N}-{size}.webp"));
        image.StoredObjects.Should().Contain(thumbnail.Location);
        thumbnail.ImageId.Should().Be(image.Id);
    }

    [Fact]
    public void ComputesTheThumbnailSha256AndByteSize()
    {
        var image = NewImage();
        var bytes = TestData.Bytes(777, seed: 9);

        image.AddThumbnail(200, bytes, new ImageMetadata(200, 150));

        var thumbnail = image.Thumbnails.Single();
        thumbnail.Sha256.Value.Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        thumbnail.ByteSize.Should().Be(777);
    }

    [Fact]
    public void AddsAllThreeSizes()
    {
        var image = NewImage();

        foreach (var size in ImageLimits.ThumbnailSizes)
        {
            image.AddThumbnail(size, TestData.Bytes(100), new ImageMetadata(size, size));
        }

        image.Thumbnails.Select(t => t.Size).Should().BeEquivalentTo([100, 200, 300]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    [InlineData(150)]
    [InlineData(400)]
    [InlineData(1024)]
    public void RefusesASizeOtherThan100Or200Or300(int size)
    {
        var image = NewImage();

        var adding = () => image.AddThumbnail(size, TestData.Bytes(100), new ImageMetadata(10, 10));

        adding.Should().Throw<DomainException>().WithMessage($"*{size} is not one of them*");
        image.Thumbnails.Should().BeEmpty();
    }

    [Fact]
    public void RefusesTheSameSizeTwice()
    {
        var image = NewImage();
        image.AddThumbnail(100, TestData.Bytes(100), new ImageMetadata(100, 75));

        var adding = () => image.AddThumbnail(100, TestData.Bytes(100), new ImageMetadata(100, 75));

        adding.Should().Throw<DomainException>().WithMessage("*already has a 100 px thumbnail*");
        image.Thumbnails.Should().ContainSingle();
    }

    [Theory]
    [InlineData(100, 101, 50)]
    [InlineData(100, 50, 101)]
    [InlineData(200, 201, 201)]
    [InlineData(300, 301, 10)]
    public void RefusesDimensionsLargerThanTheSize(int size, int width, int height)
    {
        var image = NewImage();

        var adding = () => image.AddThumbnail(size, TestData.Bytes(100), new ImageMetadata(width, height));

        adding.Should().Throw<DomainException>().WithMessage($"*at most {size} px*");
        image.Thumbnails.Should().BeEmpty();
    }

    [Fact]
    public void RefusesAnEmptyThumbnail()
    {
        var image = NewImage();

        var adding = () => image.AddThumbnail(100, [], new ImageMetadata(100, 100));

        adding.Should().Throw<DomainException>().WithMessage("*empty*");
    }

    [Fact]
    public void RefusesAThumbnailOverTheMaximumBytes()
    {
        var image = NewImage();
        var bytes = TestData.Bytes(ImageLimits.MaxBytes + 1);

        var adding = () => image.AddThumbnail(100, bytes, new ImageMetadata(100, 100));

        adding.Should().Throw<DomainException>().WithMessage($"*limit is {ImageLimits.MaxBytes}*");
    }
}
