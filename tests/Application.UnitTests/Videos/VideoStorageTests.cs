using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Images;
using AbParts.Application.UnitTests.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Videos;
using AbParts.Domain.Media;
using AbParts.Domain.Videos;
using Microsoft.Extensions.Options;
using Moq;

namespace AbParts.Application.UnitTests.Videos;

public sealed class VideoStorageTests
{
    private static readonly byte[] Mp4Header = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'];

    private readonly ImageHandlerFixture _images = new();
    private readonly InMemoryMediaStore _videoStore = new(StorageBackend.Local);
    private readonly Mock<IVideoProbe> _probe = new();
    private readonly InMemoryRepository<VideoAsset> _videos = new();
    private readonly VideoOptions _options = new() { MaxBytes = 1000 };

    public VideoStorageTests()
    {
        _probe.Setup(p => p.ProbeAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new VideoFacts(2.5, 320, 240, "h264", "aac", "mov,mp4"));
        _probe.Setup(p => p.PosterAsync(It.IsAny<string>(), It.IsAny<VideoFacts>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([0xFF, 0xD8, 0xFF]);
    }

    private VideoStorage Storage(IUnitOfWork unitOfWork) => new(new MemorySpool(), _probe.Object, _images.Storage(),
        new Stores(_images.Store, _videoStore),
        new StoragePolicy(Options.Create(_images.Options), Options.Create(new VideoStorageOptions { Backend = StorageBackend.Local })),
        _videos, unitOfWork, Options.Create(_options));

    private UploadSupportVideoHandler Handler(IUnitOfWork? unitOfWork = null) =>
        new(Storage(unitOfWork ?? _images.UnitOfWork), Fakes.Clock());

    private static UploadSupportVideoCommand Command(byte[] bytes, string name = "clip.mp4") =>
        new("Setting up", null, "machine_setup", new UploadedFile(name, bytes.Length, new MemoryStream(bytes)));

    [Fact]
    public async Task StoresTheBytesInTheVideoStoreUnderAKeyMadeFromTheIdAndDescribesThem()
    {
        var bytes = Mp4Header.Concat(new byte[100]).ToArray();

        var video = await Handler().Handle(Command(bytes, "../../my holiday.mp4"), CancellationToken.None);

        _videoStore.Keys.Should().Equal($"videos/{video.Id:N}.mp4");
        _videoStore.Bytes(_videoStore.Keys.Single()).Should().Equal(bytes);
        video.Size.Should().Be(bytes.Length);
        video.DurationSeconds.Should().Be(2.5);
        video.HasPoster.Should().BeTrue();
        _videos.Items.Should().ContainSingle();
    }

    [Fact]
    public async Task AnExtensionWeDoNotAcceptIsRefusedBeforeAnythingIsRead()
    {
        var handling = () => Handler().Handle(Command(Mp4Header, "clip.avi"), CancellationToken.None);

        await handling.Should().ThrowAsync<UnsupportedMediaException>();
        _probe.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task ContentThatIsNotTheVideoItsNameClaimsIsRefused()
    {
        var handling = () => Handler().Handle(Command("not a video at all"u8.ToArray(), "clip.mp4"), CancellationToken.None);

        await handling.Should().ThrowAsync<UnsupportedMediaException>();
        _probe.VerifyNoOtherCalls();
        _videoStore.Keys.Should().BeEmpty();
    }

    [Fact]
    public async Task AnUploadOverTheLimitIsRefused()
    {
        var handling = () => Handler().Handle(Command(Mp4Header.Concat(new byte[_options.MaxBytes]).ToArray()), CancellationToken.None);

        await handling.Should().ThrowAsync<PayloadTooLargeException>();
        _videoStore.Keys.Should().BeEmpty();
    }

    [Fact]
    public async Task AFileFfprobeCannotReadStoresNothing()
    {
        _probe.Setup(p => p.ProbeAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new UnprocessableMediaException("moov atom not found"));

        var handling = () => Handler().Handle(Command(Mp4Header), CancellationToken.None);

        await handling.Should().ThrowAsync<UnprocessableMediaException>();
        _videoStore.Keys.Should().BeEmpty();
        _images.Store.Keys.Should().BeEmpty();
    }

    [Fact]
    public async Task WhenTheRowCannotBeWrittenTheStoredObjectIsRemoved()
    {
        var failing = new Mock<IUnitOfWork>();
        failing.Setup(u => u.SaveChangesAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new ConflictException("boom"));

        var handling = () => Handler(failing.Object).Handle(Command(Mp4Header), CancellationToken.None);

        await handling.Should().ThrowAsync<ConflictException>();
        _videoStore.Keys.Should().BeEmpty();
    }
}
