using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Parts;

namespace AbParts.Domain.UnitTests;

public sealed class PartGalleryTests
{
    [Fact]
    public void AddImageAppendsAtTheEnd()
    {
        var part = new PartBuilder().WithImages(2).Build();
        var image = ImageAssetId.New();

        part.AddImage(image, maxImages: 10);

        part.Images.Should().HaveCount(3);
        part.Images[^1].Should().Be(new PartImage(image, 2));
    }

    [Fact]
    public void AddImageAcceptsImagesUpToTheMaximum()
    {
        var part = new PartBuilder().Build();

        for (var i = 0; i < 3; i++)
        {
            part.AddImage(ImageAssetId.New(), maxImages: 3);
        }

        part.ImageCount.Should().Be(3);
    }

    [Fact]
    public void AddImageRefusesAnImageBeyondTheMaximum()
    {
        var part = new PartBuilder().WithImages(3).Build();

        var adding = () => part.AddImage(ImageAssetId.New(), maxImages: 3);

        adding.Should().Throw<DomainException>().WithMessage("*at most 3 images*");
        part.ImageCount.Should().Be(3);
    }

    [Fact]
    public void AddImageRefusesTheSameImageTwice()
    {
        var part = new PartBuilder().Build();
        var image = ImageAssetId.New();
        part.AddImage(image, maxImages: 10);

        var adding = () => part.AddImage(image, maxImages: 10);

        adding.Should().Throw<DomainException>().WithMessage("*already*");
        part.ImageCount.Should().Be(1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(Part.MaxImagesCeiling + 1)]
    public void AddImageRefusesAMaximumOutOfRange(int maxImages)
    {
        var part = new PartBuilder().Build();

        var adding = () => part.AddImage(ImageAssetId.New(), maxImages);

        adding.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void AddImageAcceptsTheCeilingAsMaximum()
    {
        var part = new PartBuilder().WithImages(Part.MaxImagesCeiling - 1).Build();

        part.AddImage(ImageAssetId.New(), Part.MaxImagesCeiling);

        part.ImageCount.Should().Be(Part.MaxImagesCeiling);
    }

    [Fact]
    public void ImageAtReturnsTheImageAtThatPosition()
    {
        var part = new PartBuilder().Build();
        var first = ImageAssetId.New();
        var second = ImageAssetId.New();
        part.AddImage(first, 10);
        part.AddImage(second, 10);

        var image = part.ImageAt(1);

        image.Should().Be(second);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    [InlineData(100)]
    public void ImageAtRefusesAPositionWithoutAnImage(int position)
    {
        var part = new PartBuilder().WithImages(2).Build();

        var reading = () => part.ImageAt(position);

        reading.Should().Throw<DomainException>().WithMessage($"*no image at position {position}*");
    }

    [Fact]
    public void RemoveImageAtReturnsTheRemovedImage()
    {
        var part = new PartBuilder().WithImages(3).Build();
        var middle = part.ImageAt(1);

        var removed = part.RemoveImageAt(1);

        removed.Should().Be(middle);
        part.Images.Select(i => i.ImageId).Should().NotContain(middle);
    }

    [Fact]
    public void RemoveImageAtRenumbersWithoutGaps()
    {
        var part = new PartBuilder().WithImages(4).Build();
        var before = part.Images.Select(i => i.ImageId).ToList();

        part.RemoveImageAt(1);

        part.Images.Should().Equal(
            new PartImage(before[0], 0),
            new PartImage(before[2], 1),
            new PartImage(before[3], 2));
    }

    [Fact]
    public void RemoveImageAtTheFirstPositionShiftsTheRestForward()
    {
        var part = new PartBuilder().WithImages(3).Build();
        var before = part.Images.Select(i => i.ImageId).ToList();

        part.RemoveImageAt(0);

        part.Images.Select(i => i.Position).Should().Equal(0, 1);
        part.ImageAt(0).Should().Be(before[1]);
    }

    [Fact]
    public void RemoveImageAtRefusesAPositionWithoutAnImage()
    {
        var part = new PartBuilder().WithImages(2).Build();

        var removing = () => part.RemoveImageAt(2);

        removing.Should().Throw<DomainException>();
        part.ImageCount.Should().Be(2);
    }

    [Fact]
    public void ImageCountFollowsAddsAndRemoves()
    {
        var part = new PartBuilder().WithImages(5).Build();

        part.RemoveImageAt(4);
        part.RemoveImageAt(0);

        part.ImageCount.Should().Be(3);
    }

    [Fact]
    public void ReorderImagesAppliesTheNewOrder()
    {
        var part = new PartBuilder().WithImages(3).Build();
        var ids = part.Images.Select(i => i.ImageId).ToList();
        var order = new[] { ids[2], ids[0], ids[1] };

        part.ReorderImages(order);

        part.Images.Should().Equal(
            new PartImage(ids[2], 0),
            new PartImage(ids[0], 1),
            new PartImage(ids[1], 2));
    }

    [Fact]
    public void ReorderImagesRefusesAnOrderWithAMissingImage()
    {
        var part = new PartBuilder().WithImages(3).Build();
        var ids = part.Images.Select(i => i.ImageId).ToList();

        var reordering = () => part.ReorderImages([ids[1], ids[0]]);

        reordering.Should().Throw<DomainException>().WithMessage("*exactly once*");
        part.Images.Select(i => i.ImageId).Should().Equal(ids);
    }

    [Fact]
    public void ReorderImagesRefusesAnOrderWithAnExtraImage()
    {
        var part = new PartBuilder().WithImages(2).Build();
        var ids = part.Images.Select(i => i.ImageId).ToList();

        var reordering = () => part.ReorderImages([ids[1], ids[0], ImageAssetId.New()]);

        reordering.Should().Throw<DomainException>();
        part.Images.Select(i => i.ImageId).Should().Equal(ids);
    }

    [Fact]
    public void ReorderImagesRefusesAnImageThatIsNotInTheGallery()
    {
        var part = new PartBuilder().WithImages(2).Build();
        var ids = part.Images.Select(i => i.ImageId).ToList();

        var reordering = () => part.ReorderImages([ids[1], ImageAssetId.New()]);

        reordering.Should().Throw<DomainException>();
        part.Images.Select(i => i.ImageId).Should().Equal(ids);
    }

    [Fact]
    public void ReorderImagesRefusesADuplicateImage()
    {
        var part = new PartBuilder().WithImages(3).Build();
        var ids = part.Images.Select(i => i.ImageId).ToList();

        var reordering = () => part.ReorderImages([ids[0], ids[0], ids[1]]);

        reordering.Should().Throw<DomainException>();
        part.Images.Select(i => i.ImageId).Should().Equal(ids);
    }

    [Fact]
    public void ReorderImagesOfAnEmptyGalleryAcceptsAnEmptyOrder()
    {
        var part = new PartBuilder().Build();

        part.ReorderImages([]);

        part.Images.Should().BeEmpty();
    }

    [Fact]
    public void ImagesAreListedInPositionOrder()
    {
        var part = new PartBuilder().WithImages(4).Build();
        var ids = part.Images.Select(i => i.ImageId).ToList();

        part.ReorderImages([ids[3], ids[2], ids[1], ids[0]]);

        part.Images.Select(i => i.Position).Should().BeInAscendingOrder().And.Equal(0, 1, 2, 3);
    }
}
