using AbParts.Domain.Common;
using AbParts.Domain.Media;

namespace AbParts.Domain.UnitTests;

public sealed class StorageLocationTests
{
    [Theory]
    [InlineData("images/0190a3c4.webp")]
    [InlineData("videos/2026/abc-def_1.mp4")]
    [InlineData("a")]
    public void AcceptsServiceMadeKeys(string key)
    {
        var location = StorageLocation.Create(StorageBackend.Local, key);

        location.Key.Should().Be(key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../secrets")]
    [InlineData("videos/../../etc")]
    [InlineData("videos/./x")]
    [InlineData("videos//x")]
    [InlineData("videos/")]
    [InlineData("Images/X.webp")]
    [InlineData("my holiday.mp4")]
    [InlineData("c:\\windows")]
    [InlineData("video\u0000.mp4")]
    public void RefusesKeysThatCouldEscapeOrCameFromAClient(string key)
    {
        var creating = () => StorageLocation.Create(StorageBackend.Local, key);

        creating.Should().Throw<DomainException>();
    }

    [Fact]
    public void RefusesAKeyOverTheMaximumLength()
    {
        var creating = () => StorageLocation.Create(StorageBackend.S3, new string('a', StorageLocation.KeyMaxLength + 1));

        creating.Should().Throw<DomainException>();
    }

    [Fact]
    public void RefusesAnUnknownBackend()
    {
        var creating = () => StorageLocation.Create((StorageBackend)42, "a");

        creating.Should().Throw<DomainException>();
    }
}
