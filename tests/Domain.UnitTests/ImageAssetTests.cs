using System.Security.Cryptography;
using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Media;

namespace AbParts.Domain.UnitTests;

public sealed class ImageAssetTests
{
    private static readonly ImageMetadata FullSize = new(1024, 768);

    [Fact]
    public void IsKeptInTheChosenBackendUnderAKeyMadeFromItsId()
    {
        var image = ImageAsset.Create(TestData.Bytes(2048), FullSize, StorageBackend.Postgres, TestData.Now);

        image.Location.Backend.Should().Be(StorageBackend.Postgres);
        image.Location.Key.Should().Be($"images/{image.Id.Value:N}.webp");
        image.StoredObjects.Should().Equal(image.Location);
    }

    [Fact]
    public void ComputesTheSha256OfTheBytes()
    {
        var bytes = TestData.Bytes(2048);
        var expected = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var image = ImageAsset.Create(bytes, FullSize, StorageBackend.Postgres, TestData.Now);

        image.Sha256.Value.Should().Be(expected);
    }

    [Fact]
    public void RecordsTheByteSize()
    {
        var bytes = TestData.Bytes(3000);

        var image = ImageAsset.Create(bytes, FullSize, StorageBackend.Postgres, TestData.Now);

        image.ByteSize.Should().Be(3000);
    }

    [Fact]
    public void IsStoredAsWebp()
    {
        var image = ImageAsset.Create(TestData.Bytes(10), FullSize, StorageBackend.Postgres, TestData.Now);

        image.ContentType.Should().Be("image/webp");
    }

    [Fact]
    public void RecordsTheDimensionsAndTheCreationTime()
    {
        var image = ImageAsset.Create(TestData.Bytes(10), new ImageMetadata(640, 480), StorageBackend.Postgres, TestData.Now);

        image.Width.Should().Be(640);
        image.Height.Should().Be(480);
        image.CreatedAt.Should().Be(TestData.Now);
    }

    [Fact]
    public void GivesEachImageANewId()
    {
        var first = ImageAsset.Create(TestData.Bytes(10), FullSize, StorageBackend.Postgres, TestData.Now);

        var second = ImageAsset.Create(TestData.Bytes(10), FullSize, StorageBackend.Postgres, TestData.Now);

        first.Id.Value.Should().NotBe(Guid.Empty);
        second.Id.Should().NotBe(first.Id);
    }

    [Fact]
    public void StartsWithoutThumbnails()
    {
        var image = ImageAsset.Create(TestData.Bytes(10), FullSize, StorageBackend.Postgres, TestData.Now);

        image.Thumbnails.Should().BeEmpty();
    }

    [Fact]
    public void RefusesEmptyBytes()
    {
        var creating = () => ImageAsset.Create([], FullSize, StorageBackend.Postgres, TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage("*empty*");
    }

    [Fact]
    public void AcceptsExactlyTheMaximumBytes()
    {
        var image = ImageAsset.Create(TestData.Bytes(ImageLimits.MaxBytes), FullSize, StorageBackend.Postgres, TestData.Now);

        image.ByteSize.Should().Be(ImageLimits.MaxBytes);
    }

    [Fact]
    public void RefusesMoreThanTheMaximumBytes()
    {
        var bytes = TestData.Bytes(ImageLimits.MaxBytes + 1);

        var creating = () => ImageAsset.Create(bytes, FullSize, StorageBackend.Postgres, TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage($"*limit is {ImageLimits.MaxBytes}*");
    }

    [Theory]
    [InlineData(1025, 100)]
    [InlineData(100, 1025)]
    [InlineData(2048, 2048)]
    public void RefusesASideLongerThan1024Pixels(int width, int height)
    {
        var creating = () => ImageAsset.Create(TestData.Bytes(10), new ImageMetadata(width, height), StorageBackend.Postgres, TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage("*at most 1024 px*");
    }

    [Fact]
    public void AcceptsBothSidesAt1024Pixels()
    {
        var image = ImageAsset.Create(TestData.Bytes(10), new ImageMetadata(1024, 1024), StorageBackend.Postgres, TestData.Now);

        image.Width.Should().Be(ImageLimits.MaxDimension);
        image.Height.Should().Be(ImageLimits.MaxDimension);
    }
}
