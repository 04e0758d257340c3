using AbParts.Infrastructure.Imaging;
using AbParts.Tests.Support;
using NetVips;

namespace AbParts.Infrastructure.IntegrationTests.Backup;

public sealed class VipsStoredImageCheckTests
{
    private static readonly byte[] Webp = MakeWebp();

    private readonly VipsStoredImageCheck _check = new();

    private static byte[] MakeWebp()
    {
        using var image = Image.Thumbnail(Wallpapers.PathJpeg, 300);
        return image.WebpsaveBuffer(q: 80);
    }

    [Fact]
    public void AStoredWebpDecodes()
    {
        _check.Check(Webp).Should().BeNull();
    }

    [Fact]
    public void ATruncatedWebpDoesNotDecode()
    {
        _check.Check(Webp[..(Webp.Length / 2)]).Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void AnImageThatIsNotWebpIsNotDecodedByAnotherLoader()
    {
        _check.Check(File.ReadAllBytes(Wallpapers.PathJpeg)).Should().NotBeNullOrWhiteSpace();
    }
}
