using AbParts.Application.Common.Abstractions;
using AbParts.Application.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Application.Videos;
using AbParts.Domain.Media;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using AbParts.Domain.Videos;
using Microsoft.Extensions.Options;
using Moq;

namespace AbParts.Application.UnitTests.Images;

/// <summary>
/// Every upload does its media work (decoding, probing, copying to the video store) with no transaction
/// open, then writes its rows and PostgreSQL blobs in one short transaction that commits once (ADR 0016).
/// </summary>
public sealed class MediaWorkBeforeTransactionTests
{
    private readonly ImageHandlerFixture _fixture = new();
    private readonly Organization _organization = Fakes.Organization();
    private readonly User _admin;
    private readonly Part _part = Fakes.Part("PN-1");
    private readonly InMemoryMediaStore _videoStore = new(StorageBackend.Local);
    private readonly List<string> _processedIn = [];
    private readonly List<string> _savedIn = [];

    public MediaWorkBeforeTransactionTests()
    {
        _admin = Fakes.User("admin", _organization, UserRole.Admin);
        _fixture.Processor.Setup(p => p.ProcessAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<ImageOptions>(), It.IsAny<CancellationToken>()))
            .Callback(() => _processedIn.Add(Where()))
            .ReturnsAsync((ReadOnlyMemory<byte> input, ImageOptions _, CancellationToken _) => ImageHandlerFixture.Processed(input));
        _fixture.Store.OnSave = key => _savedIn.Add($"{key} {Where()}");
        _videoStore.OnSave = key => _savedIn.Add($"{key} {Where()}");
    }

    public static TheoryData<string> Uploads() => ["profile photo", "organization logo", "part images", "support video"];

    [Theory]
    [MemberData(nameof(Uploads))]
    public async Task MediaIsProcessedBeforeTheTransactionAndOnlyRowsAndBlobsAreWrittenInIt(string upload)
    {
        await UploadAsync(upload);

        _processedIn.Should().NotBeEmpty().And.OnlyContain(w => w == "outside", "no transaction waits for an image job");
        _savedIn.Where(s => s.StartsWith("images/", StringComparison.Ordinal))
            .Should().NotBeEmpty().And.OnlyContain(s => s.EndsWith(" inside", StringComparison.Ordinal),
                "PostgreSQL blobs commit or roll back with their rows");
        _savedIn.Where(s => s.StartsWith("videos/", StringComparison.Ordinal)).Select(s => s.Split(' ')[1])
            .Should().Equal(upload == "support video" ? ["outside"] : [], "no transaction waits for a copy to the video store");
        _fixture.UnitOfWork.Commits.Should().Be(1);
        _fixture.UnitOfWork.SaveCount.Should().Be(_fixture.UnitOfWork.SavesInTransaction);
    }

    private string Where() => _fixture.UnitOfWork.InTransaction ? "inside" : "outside";

    private async Task UploadAsync(string upload)
    {
        var file = ImageHandlerFixture.File(1, 2, 3);
        var admin = Fakes.CurrentUser(new(_admin.Id, _admin.OrganizationId, _admin.Role));
        var unitOfWork = _fixture.UnitOfWork;
        switch (upload)
        {
            case "profile photo":
                await new UploadProfilePhotoHandler(_fixture.Storage(), new InMemoryRepository<User>(_admin), admin, unitOfWork)
                    .Handle(new UploadProfilePhotoCommand(file), CancellationToken.None);
                break;
            case "organization logo":
                await new UploadOrganizationLogoHandler(_fixture.Storage(), new InMemoryRepository<Organization>(_organization),
                        admin, unitOfWork)
                    .Handle(new UploadOrganizationLogoCommand(_organization.Id.Value, file), CancellationToken.None);
                break;
            case "part images":
                await new AddPartImagesHandler(_fixture.Storage(), new InMemoryRepository<Part>(_part), _fixture.OptionsValue, unitOfWork)
                    .Handle(new AddPartImagesCommand(_part.Id.Value, [file, ImageHandlerFixture.File(4, 5, 6)]), CancellationToken.None);
                break;
            default:
                await VideoHandler().Handle(new UploadSupportVideoCommand("Setting up", null, "machine_setup",
                    new UploadedFile("clip.mp4", Mp4.Length, new MemoryStream(Mp4))), CancellationToken.None);
                break;
        }
    }

    private static readonly byte[] Mp4 =
        [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 0, 0];

    private UploadSupportVideoHandler VideoHandler()
    {
        var probe = new Mock<IVideoProbe>();
        probe.Setup(p => p.ProbeAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new VideoFacts(2.5, 320, 240, "h264", "aac", "mov,mp4"));
        probe.Setup(p => p.PosterAsync(It.IsAny<string>(), It.IsAny<VideoFacts>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([0xFF, 0xD8, 0xFF]);
        var storage = new VideoStorage(new MemorySpool(), probe.Object, _fixture.Storage(), new Stores(_fixture.Store, _videoStore),
            new StoragePolicy(Options.Create(_fixture.Options), Options.Create(new VideoStorageOptions { Backend = StorageBackend.Local })),
            new InMemoryRepository<VideoAsset>(), _fixture.UnitOfWork, Options.Create(new VideoOptions { MaxBytes = 1000 }));
        return new UploadSupportVideoHandler(storage, Fakes.Clock());
    }
}
