using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using AbParts.Domain.Media;
using AbParts.Tests.Support;
using AbParts.WebApi.ErrorHandling;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>Chat file attachments with the video store on local disk (the default configuration).</summary>
[Collection(ApiTestGroup.Name)]
public sealed class LocalChatFilesTests(ApiFixture api) : ChatFileEndpointTests(api);

/// <summary>The very same tests with the video store in S3: large originals live in the bucket.</summary>
public sealed class S3ChatFilesTests(S3ApiFixture api) : ChatFileEndpointTests(api), IClassFixture<S3ApiFixture>;

/// <summary>The per-file limit, on a service configured with a small one, with the video store on local disk.</summary>
public sealed class LimitedLocalChatFilesTests(SmallChatFileLimitApiFixture api)
    : ChatFileLimitTests(api), IClassFixture<SmallChatFileLimitApiFixture>;

/// <summary>The per-file limit with the video store in S3.</summary>
public sealed class LimitedS3ChatFilesTests(SmallChatFileLimitS3ApiFixture api)
    : ChatFileLimitTests(api), IClassFixture<SmallChatFileLimitS3ApiFixture>;

/// <summary>
/// Chat file attachments over HTTP: every accepted format stored as sent, refused files leaving nothing
/// behind, safe download names, thumbnails, the storage split at <c>Images:MaxBytes</c>, byte ranges,
/// caching and deletion. Written against the configuration, so every video store runs the same tests.
/// </summary>
public abstract class ChatFileEndpointTests(ApiFixture api) : ChatFileTestBase(api)
{
    public static TheoryData<string, string, string, bool> Formats() => new()
    {
        { "JPEG", "Brecher vorne.jpg", "image/jpeg", true },
        { "PNG", "portrait.png", "image/png", true },
        { "GIF", "photo.gif", "image/gif", true },
        { "WebP", "photo.webp", "image/webp", true },
        { "TIFF", "scan.tiff", "image/tiff", true },
        { "HEIC", "IMG_0001.HEIC", "image/heic", true },
        { "AVIF", "photo.avif", "image/avif", true },
        { "PDF", "Handbuch.pdf", "application/pdf", false },
        { "text", "notes.txt", "text/plain; charset=utf-8", false },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task EachAcceptedFormatIsStoredAsSentAndDescribed(string format, string name, string mime, bool isImage)
    {
        var owner = await OwnerAsync();
        var bytes = Sample(format);

        using var response = await PostAsync(owner, new Sent(bytes, name));
        var upload = (await CreatedAsync(response)).Single();
        var id = FileId(upload);
        using var served = await owner.GetAsync(upload.GetProperty("url").GetString());

        upload.GetProperty("name").GetString().Should().Be(name);
        upload.GetProperty("mime").GetString().Should().Be(mime);
        upload.GetProperty("size").GetInt64().Should().Be(bytes.Length);
        upload.GetProperty("is_image").GetBoolean().Should().Be(isImage);
        upload.GetProperty("url").GetString().Should().StartWith($"{FilesPath}/{id}?v=").And.Contain("&exp=").And.Contain("&sig=");
        upload.GetProperty("download_url").GetString().Should().StartWith($"{FilesPath}/{id}?download=true&v=").And.Contain("&sig=");
        foreach (var thumbnail in ThumbnailProperties)
        {
            upload.GetProperty(thumbnail).ValueKind.Should().Be(isImage ? JsonValueKind.String : JsonValueKind.Null, thumbnail);
        }

        served.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(served, "Content-Type").Should().Be(mime);
        (await served.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
    }

    public static TheoryData<string> ImageFormats() => ["JPEG", "PNG", "GIF", "WebP", "TIFF", "HEIC", "AVIF"];

    [Theory]
    [MemberData(nameof(ImageFormats))]
    public async Task EveryImageFormatYieldsItsThreeThumbnails(string format)
    {
        var owner = await OwnerAsync();
        var upload = await UploadAsync(owner, Sample(format), $"photo.{format.ToLowerInvariant()}");
        using var anonymous = Api.Anonymous();

        var thumbnails = new List<(int Size, HttpStatusCode Status, string? Type, int LongestSide)>();
        foreach (var (property, size) in new[] { ("thumbnail_small", 100), ("thumbnail_url", 200), ("thumbnail_medium", 300) })
        {
            using var response = await anonymous.GetAsync(upload.GetProperty(property).GetString());
            var (width, height, _) = SampleImages.WebpSize(await response.Content.ReadAsByteArrayAsync());
            thumbnails.Add((size, response.StatusCode, response.Content.Headers.ContentType?.MediaType, Math.Max(width, height)));
        }

        // Every sample is larger than 300 px, so each thumbnail's longest side is its size.
        thumbnails.Should().Equal((100, HttpStatusCode.OK, "image/webp", 100), (200, HttpStatusCode.OK, "image/webp", 200),
            (300, HttpStatusCode.OK, "image/webp", 300));
    }

    [Fact]
    public async Task SeveralFilesInOneRequestAreAllStoredInTheirOrder()
    {
        var owner = await OwnerAsync();
        Sent[] files =
        [
            new(SampleFiles.SmallPdf, "Handbuch.pdf"),
            new(SampleImages.MediumJpeg, "front.jpg"),
            new(SampleFiles.Notes, "notes.txt"),
            new(SampleFiles.Webp, "side.webp"),
        ];

        using var response = await PostAsync(owner, files);
        var uploads = await CreatedAsync(response);
        var served = new List<byte[]>();
        foreach (var upload in uploads)
        {
            served.Add(await owner.GetByteArrayAsync(upload.GetProperty("url").GetString()));
        }

        uploads.Select(u => u.GetProperty("name").GetString()).Should().Equal(files.Select(f => f.Name));
        uploads.Select(FileId).Should().OnlyHaveUniqueItems();
        served.Should().HaveCount(files.Length);
        for (var i = 0; i < files.Length; i++)
        {
            served[i].Should().Equal(files[i].Bytes, "file {0} is served as it was sent", files[i].Name);
        }
    }

    [Fact]
    public async Task ARequestWhoseSecondFileIsRefusedStoresNoneOfItsFiles()
    {
        var owner = await OwnerAsync();
        var before = await StateAsync();

        using var response = await PostAsync(owner,
            new Sent(SampleImages.LargeJpeg, "front.jpg"), new Sent(SampleFiles.Elf, "tool.txt"), new Sent(SampleFiles.Notes, "notes.txt"));

        var problem = await response.ShouldBeProblemAsync(415, ProblemTypes.UnsupportedMediaType);
        problem.GetProperty("detail").GetString().Should().StartWith("The content of 'tool.txt' is not an accepted type.");
        (await StateAsync()).Should().Be(before, "no row, no blob and no stored object is kept from a refused request");
        SpooledUploads().Should().BeEmpty("no spooled upload is left");
    }

    /// <summary>What the client sends as the file name, what the service keeps, and what a download is named.</summary>
    public static TheoryData<string, string, string> DownloadNames() => new()
    {
        { "Angebot \"final\" v2.pdf", "Angebot \"final\" v2.pdf", "Angebot _final_ v2.pdf" },
        { "Schaltplan Größe 3 — ölpumpe.pdf", "Schaltplan Größe 3 — ölpumpe.pdf", "Schaltplan Größe 3 — ölpumpe.pdf" },
        { "📎 Anhang 🔧.pdf", "📎 Anhang 🔧.pdf", "📎 Anhang 🔧.pdf" },
        {
            "Bericht\r\nContent-Type: text/html\r\n\r\n<script>.txt", "Bericht__Content-Type: text_html____<script>.txt",
            "Bericht__Content-Type: text_html____<script>.txt"
        },
        { "../../etc/passwd.txt", ".._.._etc_passwd.txt", ".._.._etc_passwd.txt" },
        { "C:\\Users\\x\\report.txt", "C:_Users_x_report.txt", "C:_Users_x_report.txt" },
    };

    [Theory]
    [MemberData(nameof(DownloadNames))]
    public async Task ADownloadNameCannotBreakTheHeaderOrNameAPath(string sent, string kept, string downloaded)
    {
        var owner = await OwnerAsync();
        var bytes = sent.EndsWith(".pdf", StringComparison.Ordinal) ? SampleFiles.SmallPdf : SampleFiles.Notes;
        using var form = new MultipartFormDataContent { EncodedNamePart(bytes, sent) };
        using var posted = await PostAsync(owner, form);
        var upload = (await CreatedAsync(posted)).Single();

        using var response = await owner.GetAsync($"{FilesPath}/{FileId(upload)}?download=true");
        var header = Header(response, "Content-Disposition")!;
        var parsed = ContentDispositionHeaderValue.Parse(header);

        upload.GetProperty("name").GetString().Should().Be(kept);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        header.Should().NotContainAny("\r", "\n");
        header.Should().MatchRegex("""^attachment; filename=("[^"\\%]*"|[^"\\%;\s]+); filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]+$""",
            "the ASCII name (a token or a quoted string) holds no quote, backslash or percent sign, and the UTF-8 name only attr-chars and percent escapes");
        parsed.DispositionType.Should().Be("attachment");
        parsed.FileNameStar.Should().Be(downloaded).And.NotContainAny("\r", "\n", "/", "\\");
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(200)]
    [InlineData(300)]
    [InlineData(null)]
    public async Task ThumbnailsAreWebpWithinTheirSizeAndCachedForADay(int? size)
    {
        var owner = await OwnerAsync();
        var id = FileId(await UploadAsync(owner, SampleImages.PortraitPng, "portrait.png"));

        using var response = await owner.GetAsync(size is null ? $"{FilesPath}/{id}/thumbnail" : $"{FilesPath}/{id}/thumbnail?size={size}");
        var (width, height, _) = SampleImages.WebpSize(await response.Content.ReadAsByteArrayAsync());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("image/webp");
        // The 1080x1920 portrait is larger than every thumbnail, so its longest side is the size asked (200 by default).
        Math.Max(width, height).Should().Be(size ?? 200);
        height.Should().BeGreaterThan(width, "the portrait stays portrait");
        response.Headers.CacheControl.Should().Be(CacheControlHeaderValue.Parse("private, max-age=86400"));
    }

    [Theory]
    [InlineData("150")]
    [InlineData("0")]
    [InlineData("1024")]
    public async Task AnyOtherThumbnailSizeIs400(string size)
    {
        var owner = await OwnerAsync();
        var id = FileId(await UploadAsync(owner, SampleFiles.SmallJpeg, "photo.jpg"));

        using var response = await owner.GetAsync($"{FilesPath}/{id}/thumbnail?size={size}");

        await response.ShouldBeProblemAsync(400, ProblemTypes.Validation);
    }

    [Theory]
    [InlineData("PDF")]
    [InlineData("text")]
    public async Task AFileThatIsNotAnImageHasNoThumbnail(string format)
    {
        var owner = await OwnerAsync();
        var id = FileId(await UploadAsync(owner, Sample(format), format == "PDF" ? "manual.pdf" : "notes.txt"));

        using var response = await owner.GetAsync($"{FilesPath}/{id}/thumbnail");

        await response.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
    }

    /// <summary>Each refused file: the status, and the detail it must get (a wildcard pattern).</summary>
    public static TheoryData<string, int, string> RefusedFiles() => new()
    {
        { "PNG bytes named .pdf", 415, "The file 'drawing.pdf'* has the content of a PNG file;*" },
        { "PDF bytes declared image/jpeg", 415, "The file 'scan.pdf', declared as 'image/jpeg', has the content of a PDF file;*" },
        { "JPEG bytes named .txt", 415, "The file 'photo.txt'* has the content of a JPEG file;*" },
        { "an ELF executable", 415, "The content of 'tool.txt' is not an accepted type.*" },
        { "a Windows PE", 415, "The content of 'setup.txt' is not an accepted type.*" },
        { "a shell script", 415, "The content of 'notes.txt' is not an accepted type.*" },
        { "SVG with a script", 415, "The content of 'drawing.txt' is not an accepted type.*" },
        { "HTML", 415, "The content of 'page.txt' is not an accepted type.*" },
        { "HTML after a byte order mark", 415, "The content of 'page.txt' is not an accepted type.*" },
        { "an empty file", 422, "The file 'empty.txt' is empty." },
        { "a truncated JPEG", 422, "The JPEG image could not be decoded: *" },
    };

    [Theory]
    [MemberData(nameof(RefusedFiles))]
    public async Task MismatchedAndHostileFilesAreRefusedAndChangeNothing(string what, int status, string detail)
    {
        var owner = await OwnerAsync();
        var file = what switch
        {
            "PNG bytes named .pdf" => new Sent(SampleImages.PortraitPng, "drawing.pdf"),
            "PDF bytes declared image/jpeg" => new Sent(SampleFiles.SmallPdf, "scan.pdf", "image/jpeg"),
            "JPEG bytes named .txt" => new Sent(SampleFiles.SmallJpeg, "photo.txt"),
            // The hostile files are named and declared as text, so only their content can refuse them.
            "an ELF executable" => new Sent(SampleFiles.Elf, "tool.txt", "text/plain"),
            "a Windows PE" => new Sent(SampleFiles.PortableExecutable, "setup.txt", "text/plain"),
            "a shell script" => new Sent(SampleFiles.ShellScript, "notes.txt", "text/plain"),
            "SVG with a script" => new Sent(ImageBytes.SvgWithScript, "drawing.txt", "text/plain"),
            "HTML" => new Sent(SampleFiles.Html, "page.txt", "text/plain"),
            "HTML after a byte order mark" => new Sent(SampleFiles.HtmlAfterBom, "page.txt", "text/plain"),
            "an empty file" => new Sent([], "empty.txt", "text/plain"),
            "a truncated JPEG" => new Sent(SampleImages.TruncatedJpeg, "photo.jpg", "image/jpeg"),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        var before = await StateAsync();

        using var response = await PostAsync(owner, file);

        var type = status == 415 ? ProblemTypes.UnsupportedMediaType : ProblemTypes.InvalidMedia;
        (await response.ShouldBeProblemAsync(status, type)).GetProperty("detail").GetString().Should().Match(detail, what);
        (await StateAsync()).Should().Be(before, $"a refused {what} leaves no row, blob or stored object");
        SpooledUploads().Should().BeEmpty($"a refused {what} leaves no spooled upload");
        await ShouldBeAliveAsync();
    }

    public static TheoryData<string> LargeFiles() => ["a 5120x2880 JPEG", "a 4 MB PDF", "text one byte over Images:MaxBytes"];

    [Theory]
    [MemberData(nameof(LargeFiles))]
    public async Task AFileOverImagesMaxBytesIsKeptInTheVideoStoreNotInPostgres(string what)
    {
        var owner = await OwnerAsync();
        var (bytes, name) = what switch
        {
            "a 5120x2880 JPEG" => (SampleImages.LargeJpeg, "photo.jpg"),
            "a 4 MB PDF" => (SampleFiles.LargePdf, "manual.pdf"),
            "text one byte over Images:MaxBytes" => (SampleFiles.Text(ImagesMaxBytes + 1), "log.txt"),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var id = FileId(await UploadAsync(owner, bytes, name));
        var stored = await VideoStoreFileAsync(id);
        var blobs = await FileBlobKeysAsync(id);
        var served = await owner.GetByteArrayAsync($"{FilesPath}/{id}");

        stored.Should().NotBeNull("{0} goes to the video store", what).And.Equal(bytes);
        blobs.Should().BeEmpty("{0} is not kept in PostgreSQL", what);
        served.Should().Equal(bytes);
    }

    public static TheoryData<string> SmallFiles() => ["a 640x400 JPEG", "a small PDF", "text of exactly Images:MaxBytes"];

    [Theory]
    [MemberData(nameof(SmallFiles))]
    public async Task AFileUpToImagesMaxBytesIsKeptInPostgresNotInTheVideoStore(string what)
    {
        var owner = await OwnerAsync();
        var (bytes, name) = what switch
        {
            "a 640x400 JPEG" => (SampleFiles.SmallJpeg, "photo.jpg"),
            "a small PDF" => (SampleFiles.SmallPdf, "manual.pdf"),
            "text of exactly Images:MaxBytes" => (SampleFiles.Text(ImagesMaxBytes), "log.txt"),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var id = FileId(await UploadAsync(owner, bytes, name));
        var blobs = await FileBlobKeysAsync(id);
        var blob = await Api.Database.ScalarAsync<byte[]>($"SELECT data FROM media_blobs WHERE key LIKE '%{id:N}%'");
        var stored = await VideoStoreFileAsync(id);
        var served = await owner.GetByteArrayAsync($"{FilesPath}/{id}");

        blobs.Should().ContainSingle().Which.Should().StartWith("files/");
        blob.Should().Equal(bytes);
        stored.Should().BeNull("{0} is not copied to the video store", what);
        served.Should().Equal(bytes);
    }

    public static TheoryData<string, string> ShortRanges()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "small", "large" })
        {
            foreach (var range in new[] { "first byte", "first two bytes", "last byte", "last byte by suffix", "a middle kilobyte" })
            {
                data.Add(file, range);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShortRanges))]
    public async Task AShortRangeGivesExactlyThoseBytesFromEitherStore(string file, string range)
    {
        var owner = await OwnerAsync();
        var bytes = file == "small" ? SampleFiles.SmallPdf : SampleFiles.LargePdf;
        var id = FileId(await UploadAsync(owner, bytes, "manual.pdf"));
        var total = bytes.Length;
        var (header, start, length) = range switch
        {
            "first byte" => ("bytes=0-0", 0, 1),
            "first two bytes" => ("bytes=0-1", 0, 2),
            "last byte" => ($"bytes={total - 1}-{total - 1}", total - 1, 1),
            "last byte by suffix" => ("bytes=-1", total - 1, 1),
            "a middle kilobyte" => ($"bytes={total / 2}-{(total / 2) + 1023}", total / 2, 1024),
            _ => throw new ArgumentOutOfRangeException(nameof(range)),
        };

        using var response = await GetAsync(owner, $"{FilesPath}/{id}", range: header);

        response.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        Header(response, "Content-Range").Should().Be($"bytes {start}-{start + length - 1}/{total}");
        response.Content.Headers.ContentLength.Should().Be(length);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(bytes.AsSpan(start, length).ToArray());
    }

    [Theory]
    [InlineData("small")]
    [InlineData("large")]
    public async Task ARangeStartingAtTheEndIs416WithTheLength(string file)
    {
        var owner = await OwnerAsync();
        var bytes = file == "small" ? SampleFiles.SmallPdf : SampleFiles.LargePdf;
        var id = FileId(await UploadAsync(owner, bytes, "manual.pdf"));

        using var response = await GetAsync(owner, $"{FilesPath}/{id}", range: $"bytes={bytes.Length}-");

        await response.ShouldBeProblemAsync(416, ProblemTypes.RangeNotSatisfiable);
        Header(response, "Content-Range").Should().Be($"bytes */{bytes.Length}");
    }

    [Theory]
    [InlineData("small")]
    [InlineData("large")]
    public async Task AFileCarriesItsContentHashAsAStrongETagAndIsCachedPrivately(string file)
    {
        var owner = await OwnerAsync();
        var bytes = file == "small" ? SampleFiles.SmallJpeg : SampleImages.LargeJpeg;
        var id = FileId(await UploadAsync(owner, bytes, "photo.jpg"));

        using var response = await owner.GetAsync($"{FilesPath}/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.ETag!.IsWeak.Should().BeFalse();
        response.Headers.ETag.Tag.Should().Be($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"");
        response.Headers.CacheControl.Should().Be(CacheControlHeaderValue.Parse("private, max-age=3600"));
    }

    [Fact]
    public async Task TheSignedUrlsPinTheVersionAndAreImmutable()
    {
        var owner = await OwnerAsync();
        var upload = await UploadAsync(owner, SampleFiles.SmallPdf, "manual.pdf");
        using var anonymous = Api.Anonymous();

        using var inline = await anonymous.GetAsync(upload.GetProperty("url").GetString());
        using var download = await anonymous.GetAsync(upload.GetProperty("download_url").GetString());

        inline.StatusCode.Should().Be(HttpStatusCode.OK);
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        inline.Headers.CacheControl.Should().Be(CacheControlHeaderValue.Parse("private, max-age=3600, immutable"));
        download.Headers.CacheControl.Should().Be(CacheControlHeaderValue.Parse("private, max-age=3600, immutable"));
        (await inline.Content.ReadAsByteArrayAsync()).Should().Equal(SampleFiles.SmallPdf);
    }

    [Theory]
    [InlineData("small")]
    [InlineData("large")]
    public async Task IfNoneMatchWithTheETagIs304WithoutABody(string file)
    {
        var owner = await OwnerAsync();
        var id = FileId(await UploadAsync(owner, file == "small" ? SampleFiles.SmallPdf : SampleFiles.LargePdf, "manual.pdf"));
        using var first = await owner.GetAsync($"{FilesPath}/{id}");

        using var second = await GetAsync(owner, $"{FilesPath}/{id}", ifNoneMatch: first.Headers.ETag);

        second.StatusCode.Should().Be(HttpStatusCode.NotModified);
        (await second.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        second.Headers.ETag.Should().Be(first.Headers.ETag);
    }

    [Fact]
    public async Task AThumbnailAnswers304ToIfNoneMatchWithItsETag()
    {
        var owner = await OwnerAsync();
        var id = FileId(await UploadAsync(owner, SampleFiles.SmallJpeg, "photo.jpg"));
        using var first = await owner.GetAsync($"{FilesPath}/{id}/thumbnail?size=100");

        using var second = await GetAsync(owner, $"{FilesPath}/{id}/thumbnail?size=100", ifNoneMatch: first.Headers.ETag);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Headers.ETag!.IsWeak.Should().BeFalse();
        second.StatusCode.Should().Be(HttpStatusCode.NotModified);
        (await second.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        second.Headers.ETag.Should().Be(first.Headers.ETag);
    }

    [Theory]
    [InlineData("JPEG")]
    [InlineData("PDF")]
    [InlineData("text")]
    public async Task FileResponsesAreNeverSniffedAndRunNothing(string format)
    {
        var owner = await OwnerAsync();
        var id = FileId(await UploadAsync(owner, Sample(format), format == "text" ? "notes.txt" : $"file.{format.ToLowerInvariant()}"));

        using var response = await owner.GetAsync($"{FilesPath}/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(response, "X-Content-Type-Options").Should().Be("nosniff");
        Header(response, "Content-Security-Policy").Should().Be("default-src 'none'; sandbox");
    }

    [Fact]
    public async Task TextIsServedInlineAsUtf8PlainText()
    {
        var owner = await OwnerAsync();
        var id = FileId(await UploadAsync(owner, SampleFiles.Notes, "Prüfbericht.txt"));

        using var response = await owner.GetAsync($"{FilesPath}/{id}");
        var disposition = ContentDispositionHeaderValue.Parse(Header(response, "Content-Disposition")!);

        Header(response, "Content-Type").Should().Be("text/plain; charset=utf-8");
        disposition.DispositionType.Should().Be("inline");
        disposition.FileNameStar.Should().Be("Prüfbericht.txt");
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(SampleFiles.Notes);
    }

    [Fact]
    public async Task APdfIsAnAttachmentEvenWithoutDownload()
    {
        var owner = await OwnerAsync();
        var id = FileId(await UploadAsync(owner, SampleFiles.SmallPdf, "manual.pdf"));

        using var response = await owner.GetAsync($"{FilesPath}/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        ContentDispositionHeaderValue.Parse(Header(response, "Content-Disposition")!).DispositionType.Should().Be("attachment");
    }

    [Fact]
    public async Task AnImageIsShownInlineAndDownloadedAsAnAttachment()
    {
        var owner = await OwnerAsync();
        var id = FileId(await UploadAsync(owner, SampleFiles.SmallJpeg, "photo.jpg"));

        using var shown = await owner.GetAsync($"{FilesPath}/{id}");
        using var downloaded = await owner.GetAsync($"{FilesPath}/{id}?download=true");

        ContentDispositionHeaderValue.Parse(Header(shown, "Content-Disposition")!).DispositionType.Should().Be("inline");
        ContentDispositionHeaderValue.Parse(Header(downloaded, "Content-Disposition")!).DispositionType.Should().Be("attachment");
    }

    [Theory]
    [InlineData("large")]
    [InlineData("small")]
    public async Task DeletingAnImageFileRemovesItsBytesAndThumbnails(string file)
    {
        var owner = await OwnerAsync();
        var id = FileId(await UploadAsync(owner, file == "large" ? SampleImages.LargeJpeg : SampleFiles.SmallJpeg, "photo.jpg"));
        var image = await Api.Database.ScalarAsync<Guid>($"SELECT thumbnail_image_id FROM chat_files WHERE id = '{id}'");
        var imageKeys = await Api.Database.RowsAsync($"""
            SELECT storage_key FROM images WHERE id = '{image}' UNION SELECT storage_key FROM image_thumbnails WHERE image_id = '{image}'
            """);
        using var servedBefore = await owner.GetAsync($"{FilesPath}/{id}");
        using var thumbnailBefore = await owner.GetAsync($"{FilesPath}/{id}/thumbnail");

        using var deleted = await owner.DeleteAsync($"{FilesPath}/{id}");
        using var served = await owner.GetAsync($"{FilesPath}/{id}");
        using var thumbnail = await owner.GetAsync($"{FilesPath}/{id}/thumbnail");

        servedBefore.StatusCode.Should().Be(HttpStatusCode.OK);
        thumbnailBefore.StatusCode.Should().Be(HttpStatusCode.OK);
        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await served.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        await thumbnail.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        (await VideoStoreKeysAsync()).Should().NotContain(k => k.Contains(id.ToString("N"), StringComparison.Ordinal),
            "the original (and its metadata) left the video store");
        (await FileBlobKeysAsync(id)).Should().BeEmpty("the original left PostgreSQL");
        imageKeys.Should().HaveCount(4, "the thumbnail image is a 1024 px rendition and three thumbnails");
        (await Api.Database.ScalarAsync<long>($"""
            SELECT (SELECT count(*) FROM images WHERE id = '{image}') + (SELECT count(*) FROM image_thumbnails WHERE image_id = '{image}')
                 + (SELECT count(*) FROM media_blobs WHERE key IN ({string.Join(", ", imageKeys.Select(k => $"'{k}'"))}))
            """)).Should().Be(0, "the thumbnail image, its thumbnails and their bytes are gone");
    }

    private static byte[] Sample(string format) => format switch
    {
        "JPEG" => SampleImages.MediumJpeg,
        "PNG" => SampleImages.PortraitPng,
        "GIF" => SampleFiles.Gif,
        "WebP" => SampleFiles.Webp,
        "TIFF" => SampleFiles.Tiff,
        "HEIC" => SampleImages.Heic,
        "AVIF" => SampleFiles.Avif,
        "PDF" => SampleFiles.SmallPdf,
        "text" => SampleFiles.Notes,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}

/// <summary><c>ChatFiles:MaxFileBytes</c>: a file over it is refused with 413 and leaves nothing; a file of exactly it is kept.</summary>
public abstract class ChatFileLimitTests(ApiFixture api) : ChatFileTestBase(api)
{
    private const int Limit = (int)SmallChatFileLimitApiFixture.MaxFileBytes;

    public static TheoryData<string> OversizeRequests() =>
        ["text one byte over the limit", "a 4 MB PDF", "a large photo after an accepted file"];

    [Theory]
    [MemberData(nameof(OversizeRequests))]
    public async Task AFileOverMaxFileBytesIs413AndChangesNothing(string what)
    {
        var owner = await OwnerAsync();
        Sent[] files = what switch
        {
            "text one byte over the limit" => [new(SampleFiles.Text(Limit + 1), "big.txt")],
            "a 4 MB PDF" => [new(SampleFiles.LargePdf, "big.pdf")],
            "a large photo after an accepted file" => [new(SampleFiles.SmallJpeg, "small.jpg"), new(SampleImages.LargeJpeg, "big.jpg")],
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        var before = await StateAsync();

        using var response = await PostAsync(owner, files);

        (await response.ShouldBeProblemAsync(413, ProblemTypes.PayloadTooLarge)).GetProperty("detail").GetString()
            .Should().Match($"The file 'big.*' is larger than {Limit:N0} bytes, the limit per file.");
        (await StateAsync()).Should().Be(before, $"a refused {what} leaves no row, blob or stored object");
        SpooledUploads().Should().BeEmpty($"a refused {what} leaves no spooled upload");
        await ShouldBeAliveAsync();
    }

    [Fact]
    public async Task AFileOfExactlyMaxFileBytesIsAccepted()
    {
        var owner = await OwnerAsync();
        var bytes = SampleFiles.Text(Limit);

        var upload = await UploadAsync(owner, bytes, "log.txt");
        var served = await owner.GetByteArrayAsync($"{FilesPath}/{FileId(upload)}");

        upload.GetProperty("size").GetInt64().Should().Be(Limit);
        served.Should().Equal(bytes);
    }
}

/// <summary>The service with <c>ChatFiles:MaxFileBytes</c> at 1 MiB, so that an oversize file is quick to send.</summary>
public sealed class SmallChatFileLimitApiFixture : ApiFixture
{
    public const long MaxFileBytes = 1024 * 1024;

    protected override IEnumerable<string> ExtraArguments => [.. base.ExtraArguments, $"--ChatFiles:MaxFileBytes={MaxFileBytes}"];
}

/// <summary>The same small limit with the video store in S3.</summary>
public sealed class SmallChatFileLimitS3ApiFixture : S3ApiFixture
{
    protected override IEnumerable<string> ExtraArguments =>
        [.. base.ExtraArguments, $"--ChatFiles:MaxFileBytes={SmallChatFileLimitApiFixture.MaxFileBytes}"];
}

/// <summary>
/// Uploading and inspecting chat files: what the database and the video store hold, read directly (SQL, the
/// data folder, the S3 bucket), not through the service. Each test's owner and files are its own; the files a
/// test leaves are deleted afterwards, so the fixture's shared database holds no image without an owner.
/// </summary>
public abstract class ChatFileTestBase(ApiFixture api) : IAsyncLifetime
{
    protected const string FilesPath = "/api/v1/chat/files";

    /// <summary><c>Images:MaxBytes</c>: originals up to this size are kept in PostgreSQL, larger ones in the video store.</summary>
    protected const int ImagesMaxBytes = 512_000;

    protected static readonly string[] ThumbnailProperties = ["thumbnail_url", "thumbnail_small", "thumbnail_medium"];

    protected ApiFixture Api => api;

    private readonly List<HttpClient> _owners = [];
    private readonly List<(HttpClient Owner, Guid Id)> _uploaded = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (owner, id) in _uploaded)
        {
            using var response = await owner.DeleteAsync($"{FilesPath}/{id}");
            if (response.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.NotFound))
            {
                throw new InvalidOperationException($"Deleting chat file {id} after the test answered {(int)response.StatusCode}.");
            }
        }

        foreach (var owner in _owners)
        {
            owner.Dispose();
        }
    }

    /// <summary>A file to send: its bytes, its name and, when given, the content type its part declares.</summary>
    protected sealed record Sent(byte[] Bytes, string Name, string? ContentType = null);

    /// <summary>A new user in a new organization, signed in; the owner of what the test uploads.</summary>
    protected async Task<HttpClient> OwnerAsync()
    {
        var (client, _, _) = await api.UserAsync("user");
        _owners.Add(client);
        return client;
    }

    protected Task<HttpResponseMessage> PostAsync(HttpClient client, params Sent[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var file in files)
        {
            var part = new ByteArrayContent(file.Bytes);
            if (file.ContentType is not null)
            {
                part.Headers.ContentType = MediaTypeHeaderValue.Parse(file.ContentType);
            }

            form.Add(part, "file", file.Name);
        }

        return PostAndDisposeAsync(client, form);
    }

    /// <summary>Posts the form; the files of a 201 are remembered for deletion after the test.</summary>
    protected async Task<HttpResponseMessage> PostAsync(HttpClient client, MultipartFormDataContent form)
    {
        ArgumentNullException.ThrowIfNull(client);
        var response = await client.PostAsync(FilesPath, form);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            _uploaded.AddRange(body.RootElement.GetProperty("uploads").EnumerateArray().Select(u => (client, FileId(u))));
        }

        return response;
    }

    /// <summary>One file uploaded; returns its upload object.</summary>
    protected async Task<JsonElement> UploadAsync(HttpClient client, byte[] bytes, string name)
    {
        using var response = await PostAsync(client, new Sent(bytes, name));
        return (await CreatedAsync(response)).Single();
    }

    /// <summary>Asserts 201 and returns the upload objects in the order of the response.</summary>
    protected static async Task<List<JsonElement>> CreatedAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("uploads").EnumerateArray().Select(u => u.Clone()).ToList();
    }

    protected static Guid FileId(JsonElement upload) => upload.GetProperty("file_id").GetGuid();

    /// <summary>
    /// A <c>file</c> part whose name travels only as RFC 5987 <c>filename*=UTF-8''…</c>, percent-encoded, so it
    /// may carry what a quoted <c>filename</c> cannot: CR, LF, quotes.
    /// </summary>
    protected static ByteArrayContent EncodedNamePart(byte[] bytes, string name)
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.TryAddWithoutValidation("Content-Disposition",
            $"form-data; name=\"file\"; filename*=UTF-8''{Uri.EscapeDataString(name)}");
        return part;
    }

    protected static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? range = null,
        EntityTagHeaderValue? ifNoneMatch = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }

        return await client.SendAsync(request);
    }

    /// <summary>A response header exactly as the server sent it, or <c>null</c>.</summary>
    protected static string? Header(HttpResponseMessage response, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.NonValidated.TryGetValues(name, out var values)
               || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? values.ToString()
            : null;
    }

    protected async Task ShouldBeAliveAsync()
    {
        using var anonymous = api.Anonymous();
        using var live = await anonymous.GetAsync("/health/live");
        live.StatusCode.Should().Be(HttpStatusCode.OK, "the process survived");
    }

    /// <summary>
    /// What the stores hold, as one comparable string: the counts of chat file, image and thumbnail rows, every
    /// blob by key and SHA-256, and every object under <c>files/</c> in the video store.
    /// </summary>
    protected async Task<string> StateAsync()
    {
        var counts = await api.Database.RowsAsync(
            "SELECT (SELECT count(*) FROM chat_files), (SELECT count(*) FROM images), (SELECT count(*) FROM image_thumbnails)");
        var blobs = await api.Database.RowsAsync("SELECT key, sha256 FROM media_blobs ORDER BY key");
        return string.Join(Environment.NewLine, [.. counts, .. blobs, .. await VideoStoreKeysAsync()]);
    }

    /// <summary>The chat file's original in PostgreSQL, by key (none, or one under <c>files/</c>).</summary>
    protected async Task<IReadOnlyList<string>> FileBlobKeysAsync(Guid id) =>
        await api.Database.RowsAsync($"SELECT key FROM media_blobs WHERE key LIKE '%{id:N}%'");

    /// <summary>
    /// Every object under <c>files/</c> in the video store: on local disk each file under the data folder's
    /// <c>media/files</c> (metadata and temporary files included), in S3 each key in the bucket.
    /// </summary>
    protected async Task<List<string>> VideoStoreKeysAsync()
    {
        if (api.VideoBackend == StorageBackend.Local)
        {
            var folder = Path.Combine(LocalMediaRoot, "files");
            return Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                    .Select(f => Path.GetRelativePath(LocalMediaRoot, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList()
                : [];
        }

        using var s3 = S3Client();
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Setting("Storage:Videos:S3:Bucket"), Prefix = "files/" };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            keys.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The chat file's original as the video store holds it, read from the disk or the bucket; <c>null</c> if it is not there.</summary>
    protected async Task<byte[]?> VideoStoreFileAsync(Guid id)
    {
        var keys = (await VideoStoreKeysAsync())
            .Where(k => k.StartsWith($"files/{id:N}.", StringComparison.Ordinal) && !k.EndsWith(".meta", StringComparison.Ordinal)).ToList();
        if (keys.Count == 0)
        {
            return null;
        }

        var key = keys.Should().ContainSingle().Subject;
        if (api.VideoBackend == StorageBackend.Local)
        {
            return await File.ReadAllBytesAsync(Path.Combine(LocalMediaRoot, key));
        }

        using var s3 = S3Client();
        using var response = await s3.GetObjectAsync(Setting("Storage:Videos:S3:Bucket"), key);
        using var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    /// <summary>Files left in the service's upload spool.</summary>
    protected List<string> SpooledUploads()
    {
        var folder = Path.Combine(api.DataDirectory, "uploads");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToList() : [];
    }

    private string LocalMediaRoot => Path.Combine(api.DataDirectory, "media");

    private string Setting(string key) => api.Services.GetRequiredService<IConfiguration>()[key]
                                          ?? throw new InvalidOperationException($"{key} is not configured.");

    /// <summary>A client of the test's bucket of its own, with the service's configuration.</summary>
    private AmazonS3Client S3Client() => new(
        new BasicAWSCredentials(Setting("Storage:Videos:S3:AccessKey"), Setting("Storage:Videos:S3:SecretKey")),
        new AmazonS3Config { ServiceURL = Setting("Storage:Videos:S3:ServiceUrl"), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    private async Task<HttpResponseMessage> PostAndDisposeAsync(HttpClient client, MultipartFormDataContent form)
    {
        using (form)
        {
            return await PostAsync(client, form);
        }
    }
}
