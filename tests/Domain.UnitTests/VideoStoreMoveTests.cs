using AbParts.Domain.Common;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Videos;

namespace AbParts.Domain.UnitTests;

/// <summary>What <c>media sync --switch</c> changes on a row: the backend, never the key.</summary>
public sealed class VideoStoreMoveTests
{
    private static VideoAsset Video() => VideoAsset.CreateSupportVideo(VideoAssetId.New(), "Setting up", null,
        SupportVideoCategory.MachineSetup,
        new StoredVideo(VideoFormat.Mp4, 1000, ContentHash.Of([1, 2, 3]), 2, 320, 240,
            StorageLocation.Create(StorageBackend.Local, "videos/x.mp4"), ImageAssetId.New()),
        TestData.Now);

    private static ChatFile File(StorageBackend backend)
    {
        var (id, key) = ChatFile.NewKey(ChatFileType.Pdf);
        return ChatFile.Create(id, Users.UserId.New(), "manual.pdf", ChatFileType.Pdf, 600_000, ContentHash.Of([4, 5, 6]),
            StorageLocation.Create(backend, key), null, TestData.Now);
    }

    [Fact]
    public void AVideoMovedToS3KeepsItsKeyAndNotesTheTime()
    {
        var video = Video();
        var later = TestData.Now.AddHours(1);

        video.MoveTo(StorageBackend.S3, later);

        video.Location.Should().Be(StorageLocation.Create(StorageBackend.S3, "videos/x.mp4"));
        video.UpdatedAt.Should().Be(later);
    }

    [Fact]
    public void AVideoCannotMoveIntoPostgres()
    {
        var video = Video();

        var move = () => video.MoveTo(StorageBackend.Postgres, TestData.Now);

        move.Should().Throw<DomainException>();
        video.Location.Backend.Should().Be(StorageBackend.Local);
    }

    [Fact]
    public void AChatFileMovedToLocalKeepsItsKey()
    {
        var file = File(StorageBackend.S3);
        var key = file.Location.Key;

        file.MoveTo(StorageBackend.Local);

        file.Location.Should().Be(StorageLocation.Create(StorageBackend.Local, key));
    }

    [Theory]
    [InlineData(StorageBackend.Postgres, StorageBackend.S3)]
    [InlineData(StorageBackend.Local, StorageBackend.Postgres)]
    public void AChatFileMovesBetweenVideoStoresOnly(StorageBackend from, StorageBackend to)
    {
        var file = File(from);

        var move = () => file.MoveTo(to);

        move.Should().Throw<DomainException>();
        file.Location.Backend.Should().Be(from);
    }
}
