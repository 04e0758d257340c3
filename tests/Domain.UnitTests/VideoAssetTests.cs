using AbParts.Domain.Common;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Parts;
using AbParts.Domain.Videos;

namespace AbParts.Domain.UnitTests;

public sealed class VideoAssetTests
{
    private static StoredVideo Stored(long size = 1000, double duration = 2, int width = 320, StorageBackend backend = StorageBackend.Local) =>
        new(VideoFormat.Mp4, size, ContentHash.Of([1, 2, 3]), duration, width, 240,
            StorageLocation.Create(backend, "videos/x.mp4"), ImageAssetId.New());

    [Fact]
    public void ASupportVideoHasACategoryAndNoPart()
    {
        var video = VideoAsset.CreateSupportVideo(VideoAssetId.New(), " Setting up ", null, SupportVideoCategory.MachineSetup,
            Stored(), TestData.Now);

        video.Title.Should().Be("Setting up");
        video.IsSupportVideo.Should().BeTrue();
        video.PartId.Should().BeNull();
        video.VideoType.Should().BeNull();
        video.ContentType.Should().Be("video/mp4");
        video.UpdatedAt.Should().Be(TestData.Now);
    }

    [Fact]
    public void APartVideoHasAPartAndAType()
    {
        var part = PartId.New();

        var video = VideoAsset.CreatePartVideo(VideoAssetId.New(), part, "Fitting", "How to fit it.", PartVideoType.Installation,
            Stored(), TestData.Now);

        video.IsSupportVideo.Should().BeFalse();
        video.PartId.Should().Be(part);
        video.VideoType.Should().Be(PartVideoType.Installation);
    }

    [Theory]
    [InlineData(0, 2, 320)]
    [InlineData(1000, 0, 320)]
    [InlineData(1000, double.NaN, 320)]
    [InlineData(1000, 2, 0)]
    public void RefusesImpossibleFacts(long size, double duration, int width)
    {
        var creating = () => VideoAsset.CreateSupportVideo(VideoAssetId.New(), "t", null, SupportVideoCategory.Maintenance,
            Stored(size, duration, width), TestData.Now);

        creating.Should().Throw<DomainException>();
    }

    [Fact]
    public void RefusesToKeepAVideoInPostgres()
    {
        var creating = () => VideoAsset.CreateSupportVideo(VideoAssetId.New(), "t", null, SupportVideoCategory.Maintenance,
            Stored(backend: StorageBackend.Postgres), TestData.Now);

        creating.Should().Throw<DomainException>().WithMessage("*video store*");
    }

    [Fact]
    public void RefusesABlankTitle()
    {
        var creating = () => VideoAsset.CreateSupportVideo(VideoAssetId.New(), "  ", null, SupportVideoCategory.Maintenance,
            Stored(), TestData.Now);

        creating.Should().Throw<DomainException>();
    }

    [Fact]
    public void NewKeysComeFromTheIdAndTheFormatNeverFromAClient()
    {
        var (id, key) = VideoAsset.NewKey(VideoFormat.WebM);

        key.Should().Be($"videos/{id.Value:N}.webm");
        StorageLocation.IsValidKey(key).Should().BeTrue();
    }

    [Theory]
    [InlineData("machine_setup", SupportVideoCategory.MachineSetup)]
    [InlineData("maintenance", SupportVideoCategory.Maintenance)]
    [InlineData("troubleshooting", SupportVideoCategory.Troubleshooting)]
    public void CategoriesRoundTripTheirWireNames(string name, SupportVideoCategory category)
    {
        VideoNames.ParseCategory(name).Should().Be(category);
        category.ToName().Should().Be(name);
    }

    [Theory]
    [InlineData("Maintenance")]
    [InlineData("cooking")]
    [InlineData("")]
    public void UnknownCategoriesAreRefused(string name)
    {
        VideoNames.TryParseCategory(name, out _).Should().BeFalse();
    }
}

public sealed class VideoFormatTests
{
    [Theory]
    [InlineData("isom", "mp4")]
    [InlineData("mp42", "mp4")]
    [InlineData("qt  ", "mov")]
    public void RecognisesIsoMediaByItsFtypBox(string brand, string expected)
    {
        var header = new byte[] { 0, 0, 0, 0x20 }.Concat("ftyp"u8.ToArray()).Concat(System.Text.Encoding.ASCII.GetBytes(brand)).ToArray();

        VideoFormat.Detect(header)!.Name.Should().Be(expected);
    }

    [Fact]
    public void RecognisesWebMByItsEbmlMagic()
    {
        VideoFormat.Detect([0x1A, 0x45, 0xDF, 0xA3, 0x9F]).Should().Be(VideoFormat.WebM);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x41, 0x56, 0x49, 0x20 })]
    public void AnythingElseIsNotAVideoWeAccept(byte[] header)
    {
        VideoFormat.Detect(header).Should().BeNull();
    }

    [Theory]
    [InlineData("clip.MP4", "mp4")]
    [InlineData("a.b.webm", "webm")]
    [InlineData("x.mov", "mov")]
    public void ReadsTheExtensionCaseInsensitively(string name, string expected)
    {
        VideoFormat.FromFileName(name)!.Name.Should().Be(expected);
    }

    [Theory]
    [InlineData("clip.avi")]
    [InlineData("clip")]
    [InlineData(null)]
    public void RefusesOtherExtensions(string? name)
    {
        VideoFormat.FromFileName(name).Should().BeNull();
    }

    [Fact]
    public void Mp4AndQuickTimeShareAFamilyButWebMStandsAlone()
    {
        VideoFormat.Mp4.SameFamilyAs(VideoFormat.QuickTime).Should().BeTrue();
        VideoFormat.WebM.SameFamilyAs(VideoFormat.Mp4).Should().BeFalse();
    }
}
