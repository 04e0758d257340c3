using System.Security.Cryptography;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Files;
using AbParts.Application.Images;
using AbParts.Application.UnitTests.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using Microsoft.Extensions.Options;
using Moq;

namespace AbParts.Application.UnitTests.ChatFiles;

/// <summary>
/// Chat files are typed by their bytes, images processed with no transaction open, large originals copied to
/// the video store before the transaction and small ones written into PostgreSQL inside it; a request is
/// stored whole or not at all.
/// </summary>
public sealed class UploadChatFilesHandlerTests
{
    private static readonly byte[] Text = "Pump P-100: replace the seal every 2000 h.\n"u8.ToArray();
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 1, 2, 3];

    private readonly ImageHandlerFixture _images = new();
    private readonly InMemoryMediaStore _videoStore = new(StorageBackend.Local);
    private readonly CountingSpool _spool = new();
    private readonly InMemoryRepository<ChatFile> _files = new();
    private readonly ChatFileOptions _options = new() { MaxFileBytes = 700_000 };
    private readonly Caller _caller = ChatFakes.User();
    private readonly List<string> _events = [];

    public UploadChatFilesHandlerTests()
    {
        _images.Processor.Setup(p => p.ProcessAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<ImageOptions>(), It.IsAny<CancellationToken>()))
            .Callback(() => _events.Add($"process {Where()}"))
            .ReturnsAsync((ReadOnlyMemory<byte> input, ImageOptions _, CancellationToken _) => ImageHandlerFixture.Processed(input));
        _images.Store.OnSave = key => _events.Add($"postgres {key} {Where()}");
        _videoStore.OnSave = key => _events.Add($"video {key} {Where()}");
    }

    private string Where() => _images.UnitOfWork.InTransaction ? "inside" : "outside";

    /// <summary>A PDF of <paramref name="size"/> bytes: its header, then filler.</summary>
    private static byte[] Pdf(int size)
    {
        var bytes = new byte[size];
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    /// <summary>A PDF larger than <c>Images:MaxBytes</c>, so its original belongs in the video store.</summary>
    private static byte[] LargePdf(byte seed = 1)
    {
        var bytes = Pdf(ImageLimits.MaxBytes + 1000);
        bytes[^1] = seed;
        return bytes;
    }

    private static UploadedFile Upload(string name, byte[] bytes, string? contentType = null, long? declaredLength = null) =>
        new(name, declaredLength ?? bytes.Length, new MemoryStream(bytes), contentType);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private UploadChatFilesHandler Handler(IUnitOfWork? unitOfWork = null, Caller? caller = null, bool anonymous = false) =>
        new(_spool, _images.Storage(), new Stores(_images.Store, _videoStore),
            new StoragePolicy(Options.Create(_images.Options), Options.Create(new VideoStorageOptions { Backend = StorageBackend.Local })),
            _files, unitOfWork ?? _images.UnitOfWork, Fakes.CurrentUser(anonymous ? null : caller ?? _caller), Options.Create(_options),
            Fakes.Clock());

    private Task<IReadOnlyList<ChatFileDto>> UploadAsync(params UploadedFile[] files) =>
        Handler().Handle(new UploadChatFilesCommand(files), CancellationToken.None);

    [Fact]
    public async Task ASmallTextFileIsWrittenIntoPostgresInsideTheTransaction()
    {
        var uploaded = (await UploadAsync(Upload("notes.txt", Text, "text/plain"))).Single();

        var key = $"files/{uploaded.Id:N}.txt";
        _images.Store.Keys.Should().Equal(key);
        _images.Store.Bytes(key).Should().Equal(Text);
        _videoStore.Keys.Should().BeEmpty();
        _events.Should().Equal($"postgres {key} inside");
        _files.Items.Should().ContainSingle().Which.Location.Should().Be(StorageLocation.Create(StorageBackend.Postgres, key));
        _images.UnitOfWork.Commits.Should().Be(1);
        _images.UnitOfWork.SaveCount.Should().Be(_images.UnitOfWork.SavesInTransaction);
    }

    [Fact]
    public async Task DescribesTheStoredFileByItsBytesAndTheCallersCleanedName()
    {
        var uploaded = (await UploadAsync(Upload("../Pump\r\nnotes.txt", Text))).Single();

        uploaded.Should().BeEquivalentTo(new ChatFileDto(uploaded.Id, _caller.UserId.Value, ".._Pump__notes.txt",
            "text/plain; charset=utf-8", Text.Length, false, Sha256(Text), Fakes.Now));
        _files.Items.Single().Id.Value.Should().Be(uploaded.Id);
        _images.Store.Keys.Should().Equal($"files/{uploaded.Id:N}.txt");
    }

    [Fact]
    public async Task ALargePdfIsCopiedToTheVideoStoreBeforeTheTransaction()
    {
        var pdf = LargePdf();

        var uploaded = (await UploadAsync(Upload("manual.pdf", pdf, "application/pdf"))).Single();

        var key = $"files/{uploaded.Id:N}.pdf";
        _videoStore.Keys.Should().Equal(key);
        _videoStore.Bytes(key).Should().Equal(pdf);
        _images.Store.Keys.Should().BeEmpty();
        _events.Should().Equal($"video {key} outside");
        _files.Items.Should().ContainSingle().Which.Location.Should().Be(StorageLocation.Create(StorageBackend.Local, key));
        uploaded.Size.Should().Be(pdf.Length);
        uploaded.Sha256.Should().Be(Sha256(pdf));
        _images.UnitOfWork.Commits.Should().Be(1);
    }

    [Theory]
    [InlineData(ImageLimits.MaxBytes, StorageBackend.Postgres)]
    [InlineData(ImageLimits.MaxBytes + 1, StorageBackend.Local)]
    public async Task AnOriginalUpToTheImageLimitStaysInPostgresAndALargerOneGoesToTheVideoStore(int size, StorageBackend backend)
    {
        var uploaded = (await UploadAsync(Upload("manual.pdf", Pdf(size)))).Single();

        _files.Items.Single().Location.Backend.Should().Be(backend);
        (backend == StorageBackend.Postgres ? _images.Store : _videoStore).Keys.Should().Equal($"files/{uploaded.Id:N}.pdf");
    }

    [Fact]
    public async Task AnImageIsProcessedBeforeTheTransactionAndStoredWithItsThumbnails()
    {
        var uploaded = (await UploadAsync(Upload("photo.jpg", Jpeg, "image/jpeg"))).Single();

        var file = _files.Items.Single();
        var image = _images.Images.Items.Should().ContainSingle().Which;
        file.ThumbnailImageId.Should().Be(image.Id);
        uploaded.IsImage.Should().BeTrue();
        uploaded.ContentType.Should().Be("image/jpeg");
        _images.Processor.Verify(p => p.ProcessAsync(It.Is<ReadOnlyMemory<byte>>(m => m.ToArray().SequenceEqual(Jpeg)),
            It.IsAny<ImageOptions>(), It.IsAny<CancellationToken>()), Times.Once);
        _images.Store.Keys.Should().BeEquivalentTo(image.StoredObjects.Select(o => o.Key).Append($"files/{uploaded.Id:N}.jpg"));
        _images.Store.Bytes($"files/{uploaded.Id:N}.jpg").Should().Equal(Jpeg, "the original is kept as sent");
        _events.Should().StartWith("process outside");
        _events.Skip(1).Should().HaveCount(1 + ImageLimits.ThumbnailSizes.Count + 1).And.OnlyContain(e => e.EndsWith(" inside", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SeveralFilesAreStoredInOneTransactionAndAnsweredInTheOrderSent()
    {
        var large = LargePdf();

        var uploaded = await UploadAsync(Upload("photo.jpg", Jpeg), Upload("manual.pdf", large), Upload("notes.txt", Text));

        uploaded.Select(u => u.Name).Should().Equal("photo.jpg", "manual.pdf", "notes.txt");
        _files.Items.Select(f => f.Id.Value).Should().Equal(uploaded.Select(u => u.Id));
        _events.Where(e => e.StartsWith("video ", StringComparison.Ordinal)).Should().Equal($"video files/{uploaded[1].Id:N}.pdf outside");
        _images.UnitOfWork.Commits.Should().Be(1);
        _images.UnitOfWork.SaveCount.Should().Be(1);
        _images.UnitOfWork.SavesInTransaction.Should().Be(1);
    }

    [Fact]
    public async Task EverySpooledFileIsDisposedOnceTheFilesAreStored()
    {
        await UploadAsync(Upload("photo.jpg", Jpeg), Upload("manual.pdf", LargePdf()), Upload("notes.txt", Text));

        _spool.Spooled.Should().Be(3);
        _spool.Open.Should().Be(0);
    }

    /// <summary>A second file the request must be refused for, and the failure expected.</summary>
    private static (UploadedFile File, Type Failure) Refused(string reason) => reason switch
    {
        "an executable" => (Upload("tool.exe", [(byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0, 4, 0]), typeof(UnsupportedMediaException)),
        "HTML named as text" => (Upload("page.txt", "<html><script>alert(1)</script></html>"u8.ToArray()), typeof(UnsupportedMediaException)),
        "a PDF named as text" => (Upload("notes.txt", Pdf(100)), typeof(UnsupportedMediaException)),
        "text declared as PDF" => (Upload("notes", Text, "application/pdf"), typeof(UnsupportedMediaException)),
        "a JPEG named as PNG" => (Upload("photo.png", Jpeg, "image/png"), typeof(UnsupportedMediaException)),
        "an empty file" => (Upload("empty.txt", []), typeof(UnprocessableMediaException)),
        "a file over the limit" => (Upload("big.pdf", Pdf(700_001)), typeof(PayloadTooLargeException)),
        "a file over the limit, declared smaller" => (Upload("big.pdf", Pdf(700_001), declaredLength: 10), typeof(PayloadTooLargeException)),
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    [Theory]
    [InlineData("an executable")]
    [InlineData("HTML named as text")]
    [InlineData("a PDF named as text")]
    [InlineData("text declared as PDF")]
    [InlineData("a JPEG named as PNG")]
    [InlineData("an empty file")]
    [InlineData("a file over the limit")]
    [InlineData("a file over the limit, declared smaller")]
    public async Task OneRefusedFileRefusesTheWholeRequestBeforeAnyImageIsDecodedAndNothingIsKept(string reason)
    {
        var (refused, failure) = Refused(reason);

        var uploading = () => UploadAsync(Upload("photo.jpg", Jpeg), Upload("manual.pdf", LargePdf()), refused, Upload("notes.txt", Text));

        (await uploading.Should().ThrowAsync<Exception>()).Which.Should().BeOfType(failure);
        _events.Should().BeEmpty("every file is typed before the first image job");
        _images.Store.Keys.Should().BeEmpty();
        _videoStore.Keys.Should().BeEmpty();
        _files.Items.Should().BeEmpty();
        _images.Images.Items.Should().BeEmpty();
        _images.UnitOfWork.SaveCount.Should().Be(0);
        _images.UnitOfWork.Commits.Should().Be(0);
        _spool.Open.Should().Be(0);
    }

    [Fact]
    public async Task ARefusalNamesTheFileCleaned()
    {
        var uploading = () => UploadAsync(Upload("evil\r\n.txt", [(byte)'M', (byte)'Z', 0x90, 0]));

        await uploading.Should().ThrowAsync<UnsupportedMediaException>().WithMessage("*'evil__.txt'*");
    }

    [Fact]
    public async Task AnImageTheWorkersCannotDecodeRefusesTheRequest()
    {
        _images.Processor.Setup(p => p.ProcessAsync(It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<ImageOptions>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new UnprocessableMediaException("corrupt JPEG"));

        var uploading = () => UploadAsync(Upload("manual.pdf", LargePdf()), Upload("photo.jpg", Jpeg));

        await uploading.Should().ThrowAsync<UnprocessableMediaException>();
        _videoStore.Keys.Should().BeEmpty();
        _images.Store.Keys.Should().BeEmpty();
        _files.Items.Should().BeEmpty();
        _spool.Open.Should().Be(0);
    }

    [Theory]
    [InlineData(FailurePoint.Save)]
    [InlineData(FailurePoint.Commit)]
    public async Task WhenTheTransactionFailsTheCopiesInTheVideoStoreAreDeletedAgain(FailurePoint point)
    {
        var unitOfWork = new FailingUnitOfWork(_images.UnitOfWork, point, new ConflictException("deferred constraint"));
        var files = new[] { Upload("manual.pdf", LargePdf(1)), Upload("notes.txt", Text), Upload("drawing.pdf", LargePdf(2)) };

        var uploading = () => Handler(unitOfWork).Handle(new UploadChatFilesCommand(files), CancellationToken.None);

        await uploading.Should().ThrowAsync<ConflictException>().WithMessage("deferred constraint");
        _events.Where(e => e.StartsWith("video ", StringComparison.Ordinal)).Should().HaveCount(2, "both were copied first")
            .And.OnlyContain(e => e.EndsWith(" outside", StringComparison.Ordinal));
        _videoStore.Keys.Should().BeEmpty();
        _images.UnitOfWork.Commits.Should().Be(0);
        _images.UnitOfWork.RollBacks.Should().Be(1);
        _spool.Spooled.Should().Be(3);
        _spool.Open.Should().Be(0);
    }

    [Fact]
    public async Task AnAnonymousCallerIsForbiddenAndNothingIsRead()
    {
        var uploading = () => Handler(anonymous: true).Handle(new UploadChatFilesCommand([Upload("notes.txt", Text)]), CancellationToken.None);

        await uploading.Should().ThrowAsync<ForbiddenAccessException>();
        _spool.Spooled.Should().Be(0);
        _files.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task TheFilesBelongToTheCaller()
    {
        var superAdmin = ChatFakes.SuperAdmin();

        await Handler(caller: superAdmin).Handle(new UploadChatFilesCommand([Upload("notes.txt", Text)]), CancellationToken.None);

        _files.Items.Single().OwnerId.Should().Be(superAdmin.UserId);
    }
}
