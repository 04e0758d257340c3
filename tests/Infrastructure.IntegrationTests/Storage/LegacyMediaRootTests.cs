using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Infrastructure.Storage;
using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests.Storage;

/// <summary>
/// The old system's media folder on the real file system: how legacy URLs become files, and every way out of the
/// folder refused (dot-dot, links of a file or of a folder on the way, other schemes).
/// </summary>
public sealed class LegacyMediaRootTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("abparts-legacy-").FullName;

    public LegacyMediaRootTests()
    {
        Directory.CreateDirectory(Path.Combine(Media, "static", "images"));
        Directory.CreateDirectory(Outside);
        File.WriteAllBytes(Path.Combine(Media, "static", "images", "a.jpg"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(Outside, "secret.jpg"), [9, 9, 9]);
    }

    private string Media => Path.Combine(_base, "media");

    private string Outside => Path.Combine(_base, "outside");

    private ILegacyMediaRoot Root() => new LegacyMediaRoots().Open(Media);

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public async Task APathIsReadFromUnderTheFolderAsTheOldSystemJoinedIt()
    {
        await using var file = Root().Open("/static/images/a.jpg");

        file.Status.Should().Be(LegacyFileStatus.Found, file.Reason);
        file.Length.Should().Be(3);
        file.Name.Should().Be("a.jpg");
        using var copy = new MemoryStream();
        await file.Content!.CopyToAsync(copy);
        copy.ToArray().Should().Equal(1, 2, 3);
    }

    [Theory]
    [InlineData("http://old.example.com/static/images/a.jpg")]
    [InlineData("https://old.example.com:8443/static/images/a.jpg?v=2#top")]
    [InlineData("/static/images/a.jpg?v=2")]
    [InlineData("static/images/a.jpg")]
    public void AFullUrlCountsByItsPathAndAQueryIsDropped(string url)
    {
        var file = Root().Locate(url);

        file.Status.Should().Be(LegacyFileStatus.Found, file.Reason);
        file.Length.Should().Be(3);
    }

    [Fact]
    public void AFullUrlsPathIsDecoded()
    {
        File.WriteAllBytes(Path.Combine(Media, "static", "images", "b c.jpg"), [4]);

        var file = Root().Locate("http://old.example.com/static/images/b%20c.jpg");

        file.Status.Should().Be(LegacyFileStatus.Found, file.Reason);
    }

    [Theory]
    [InlineData("/../../etc/passwd")]
    [InlineData("/static/../../outside/secret.jpg")]
    [InlineData("..//..//etc/passwd")]
    [InlineData("http://old.example.com/static/images%2F..%2F..%2F..%2Foutside%2Fsecret.jpg")]
    public void DotDotOutOfTheFolderIsRefused(string url)
    {
        var file = Root().Open(url);

        file.Status.Should().Be(LegacyFileStatus.Refused);
        file.Content.Should().BeNull();
        file.Reason.Should().Contain("out of the media folder");
    }

    [Fact]
    public void ALinkToAFileOutsideIsRefusedThoughItsTargetExists()
    {
        File.CreateSymbolicLink(Path.Combine(Media, "static", "images", "link.jpg"), Path.Combine(Outside, "secret.jpg"));

        var file = Root().Open("/static/images/link.jpg");

        file.Status.Should().Be(LegacyFileStatus.Refused);
        file.Content.Should().BeNull();
    }

    [Fact]
    public void ALinkedFolderOnTheWayOutIsRefusedThoughTheFileItselfIsNoLink()
    {
        Directory.CreateSymbolicLink(Path.Combine(Media, "static", "elsewhere"), Outside);

        var file = Root().Open("/static/elsewhere/secret.jpg");

        file.Status.Should().Be(LegacyFileStatus.Refused);
    }

    [Fact]
    public void DotDotAfterALinkedFolderAppliesToWhereTheLinkLeads()
    {
        // static/deep → outside: "static/deep/../media/static/images/a.jpg" is outside/../media/… for the kernel,
        // which is back inside; textually it would be static/media/…, which does not exist.
        Directory.CreateSymbolicLink(Path.Combine(Media, "static", "deep"), Outside);

        var file = Root().Locate("/static/deep/../media/static/images/a.jpg");

        file.Status.Should().Be(LegacyFileStatus.Found, file.Reason);
    }

    [Fact]
    public async Task ALinkThatStaysInsideTheFolderIsFollowed()
    {
        File.CreateSymbolicLink(Path.Combine(Media, "static", "images", "alias.jpg"), "a.jpg");

        await using var file = Root().Open("/static/images/alias.jpg");

        file.Status.Should().Be(LegacyFileStatus.Found, file.Reason);
        file.Length.Should().Be(3);
    }

    [Fact]
    public void AFolderReachedThroughALinkIsItselfResolved()
    {
        var link = Path.Combine(_base, "media-link");
        Directory.CreateSymbolicLink(link, Media);

        var root = new LegacyMediaRoots().Open(link);

        root.Path.Should().Be(Media);
        root.Locate("/static/images/a.jpg").Status.Should().Be(LegacyFileStatus.Found);
    }

    [Fact]
    public void AMissingFileAndADanglingLinkAreMissing()
    {
        File.CreateSymbolicLink(Path.Combine(Media, "static", "images", "dangling.jpg"), "gone.jpg");

        var root = Root();

        root.Locate("/static/images/nothing.jpg").Status.Should().Be(LegacyFileStatus.Missing);
        root.Open("/static/images/dangling.jpg").Status.Should().Be(LegacyFileStatus.Missing);
    }

    [Fact]
    public void ADanglingLinkOutOfTheFolderIsRefusedNotMissing()
    {
        File.CreateSymbolicLink(Path.Combine(Media, "static", "images", "out.jpg"), Path.Combine(Outside, "none.jpg"));

        Root().Locate("/static/images/out.jpg").Status.Should().Be(LegacyFileStatus.Refused);
    }

    [Fact]
    public void ALinkLoopIsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(Media, "static", "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(Media, "static", "loop2"), "loop1");

        var file = Root().Locate("/static/loop1/x.jpg");

        file.Status.Should().Be(LegacyFileStatus.Refused);
        file.Reason.Should().Contain("symbolic links");
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://old.example.com/static/images/a.jpg")]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("   ")]
    public void WhatIsNeitherAPathNorAnHttpUrlIsRefused(string url)
    {
        Root().Locate(url).Status.Should().Be(LegacyFileStatus.Refused);
    }

    [Theory]
    [InlineData("/static/images")]
    [InlineData("/")]
    public void AFolderIsNotAFile(string url)
    {
        Root().Open(url).Status.Should().Be(LegacyFileStatus.NotAFile);
    }

    [Fact]
    public async Task AnEmptyFileAndAPipeAreNotFilesAndThePipeIsNeverOpened()
    {
        File.WriteAllBytes(Path.Combine(Media, "static", "images", "empty.jpg"), []);
        Cli.Run("mkfifo", "coreutils", Path.Combine(Media, "static", "images", "pipe.jpg"));
        var root = Root();

        // Opening a pipe would wait for a writer: bounded here, so a regression fails instead of hanging.
        var pipe = await Task.Run(() => root.Open("/static/images/pipe.jpg")).WaitAsync(TimeSpan.FromSeconds(30));

        root.Open("/static/images/empty.jpg").Status.Should().Be(LegacyFileStatus.NotAFile);
        pipe.Status.Should().Be(LegacyFileStatus.NotAFile);
        pipe.Content.Should().BeNull();
    }

    [Fact]
    public void AMediaRootThatIsNotAFolderIsAUsageError()
    {
        var open = () => new LegacyMediaRoots().Open(Path.Combine(_base, "no-such-folder"));

        open.Should().Throw<ValidationException>().Which.Errors.Should().ContainKey("media_root");
    }
}
