using AbParts.Domain.Common;
using AbParts.Domain.Images;

namespace AbParts.Domain.UnitTests;

public sealed class ImageMetadataTests
{
    [Fact]
    public void KeepsPositiveDimensions()
    {
        var metadata = new ImageMetadata(640, 1);

        metadata.Width.Should().Be(640);
        metadata.Height.Should().Be(1);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    [InlineData(-1, 10)]
    [InlineData(10, -5)]
    public void RefusesDimensionsThatAreNotPositive(int width, int height)
    {
        var creating = () => new ImageMetadata(width, height);

        creating.Should().Throw<DomainException>().WithMessage($"*positive dimensions, not {width}x{height}*");
    }
}
