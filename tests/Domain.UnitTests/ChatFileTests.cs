using System.Buffers;
using System.Text;
using AbParts.Domain.Common;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Users;

namespace AbParts.Domain.UnitTests;

/// <summary>A chat file keeps the user's name made safe, its type from the bytes, and a thumbnail only when it is an image.</summary>
public sealed class ChatFileTests
{
    private const string Emoji = "\U0001F600";

    private static readonly UserId Owner = UserId.New();

    private static ChatFile Create(ChatFileType type, long byteSize = 100, ImageAssetId? thumbnail = null, UserId? owner = null,
        string? name = "notes.txt")
    {
        var (id, key) = ChatFile.NewKey(type);
        return ChatFile.Create(id, owner ?? Owner, name, type, byteSize, ContentHash.Of(TestData.Bytes(10)),
            StorageLocation.Create(StorageBackend.Postgres, key), thumbnail, TestData.Now);
    }

    /// <summary>Whether <paramref name="text"/> holds a surrogate that is not half of a pair.</summary>
    private static bool HasLoneSurrogate(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var used) != OperationStatus.Done)
            {
                return true;
            }

            rest = rest[used..];
        }

        return false;
    }

    [Theory]
    [InlineData("report\r\nSet-Cookie: a=b.txt", "report__Set-Cookie: a=b.txt")]
    [InlineData("a\tb.txt", "a_b.txt")]
    [InlineData("a\0b\u001Bc\u007Fd\u0085.txt", "a_b_c_d_.txt")]
    [InlineData("../../etc/passwd", ".._.._etc_passwd")]
    [InlineData("C:\\Users\\me\\plan.pdf", "C:_Users_me_plan.pdf")]
    public void ControlCharactersAndPathSeparatorsBecomeUnderscores(string name, string cleaned)
    {
        var result = ChatFile.CleanName(name);

        result.Should().Be(cleaned);
    }

    [Theory]
    [InlineData("invoice\u202Efdp.exe", "invoice_fdp.exe")]
    [InlineData("a\u2066b\u2069c\u200Ed\u200Fe\u061C.txt", "a_b_c_d_e_.txt")]
    public void BidirectionalTextControlsBecomeUnderscoresSoANameShowsAsItIs(string name, string cleaned)
    {
        var result = ChatFile.CleanName(name);

        result.Should().Be(cleaned);
    }

    [Theory]
    [InlineData("\"quoted\" and 'single'.txt")]
    [InlineData("Größe – 設計図 (v2).pdf")]
    [InlineData("smile " + Emoji + ".png")]
    [InlineData("semi;colon,comma=equals%25.csv")]
    public void QuotesAndUnicodeAreKept(string name)
    {
        var result = ChatFile.CleanName(name);

        result.Should().Be(name);
    }

    [Fact]
    public void SurroundingSpacesAreTrimmed()
    {
        var result = ChatFile.CleanName("   pump manual.pdf \t ");

        result.Should().Be("pump manual.pdf");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("    ")]
    [InlineData(" \r\n\t ")]
    public void NoNameGivesFile(string? name)
    {
        var result = ChatFile.CleanName(name);

        result.Should().Be("file");
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    [InlineData(" .. ")]
    public void ANameOfOnlyDotsBecomesAnUnderscore(string name)
    {
        var result = ChatFile.CleanName(name);

        result.Should().Be("_");
    }

    [Fact]
    public void ALongNameLosesTheEndOfItsStemButKeepsItsExtension()
    {
        var name = new string('a', 296) + ".pdf";

        var result = ChatFile.CleanName(name);

        result.Should().HaveLength(ChatFile.NameMaxLength).And.EndWith(".pdf").And.StartWith(new string('a', 251));
    }

    [Fact]
    public void ANameOfExactlyTheMaximumIsKeptWhole()
    {
        var name = new string('b', ChatFile.NameMaxLength - 4) + ".txt";

        var result = ChatFile.CleanName(name);

        result.Should().Be(name);
    }

    /// <summary>Built at run time: a lone surrogate does not survive xunit's serialization of inline data.</summary>
    public static TheoryData<string, string> LoneSurrogates() => new()
    {
        { "a\uD800b.txt", "a_b.txt" },
        { "a\uDC00b.txt", "a_b.txt" },
        { "\uDC00\uD800.txt", "__.txt" },
        { "end\uD83D", "end_" },
        { "\uD83D" + Emoji + "\uDE00.png", "_" + Emoji + "_.png" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates), DisableDiscoveryEnumeration = true)]
    public void ALoneSurrogateBecomesAnUnderscore(string name, string cleaned)
    {
        var result = ChatFile.CleanName(name);

        result.Should().Be(cleaned);
    }

    [Theory]
    [InlineData("", ".pdf")]
    [InlineData("x", ".pdf")]
    [InlineData("", "")]
    [InlineData("x", "")]
    public void CuttingALongNameNeverLeavesHalfASurrogatePair(string prefix, string extension)
    {
        var name = prefix + string.Concat(Enumerable.Repeat(Emoji, 150)) + extension;

        var result = ChatFile.CleanName(name);

        result.Length.Should().BeInRange(ChatFile.NameMaxLength - 1, ChatFile.NameMaxLength);
        result.Should().EndWith(Emoji + extension).And.StartWith(prefix + Emoji);
        HasLoneSurrogate(result).Should().BeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AnEmptyFileIsRefused(long byteSize)
    {
        var creating = () => Create(ChatFileType.Text, byteSize);

        creating.Should().Throw<DomainException>();
    }

    [Fact]
    public void AnImageWithoutAThumbnailIsRefused()
    {
        var creating = () => Create(ChatFileType.Png, thumbnail: null, name: "photo.png");

        creating.Should().Throw<DomainException>();
    }

    [Fact]
    public void AFileThatIsNoImageWithAThumbnailIsRefused()
    {
        var creating = () => Create(ChatFileType.Pdf, thumbnail: ImageAssetId.New(), name: "manual.pdf");

        creating.Should().Throw<DomainException>();
    }

    [Fact]
    public void AFileWithoutAnOwnerIsRefused()
    {
        var creating = () => Create(ChatFileType.Text, owner: new UserId(Guid.Empty));

        creating.Should().Throw<DomainException>();
    }

    public static TheoryData<string> TypeNames() => new(ChatFileType.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void TheContentTypeAndWhetherItIsAnImageComeFromTheType(string typeName)
    {
        var type = ChatFileType.All.Single(t => t.Name == typeName);

        var file = Create(type, thumbnail: type.IsImage ? ImageAssetId.New() : null);

        file.ContentType.Should().Be(type.ContentType);
        file.IsImage.Should().Be(type.IsImage);
        file.ThumbnailImageId.HasValue.Should().Be(type.IsImage);
    }

    [Fact]
    public void KeepsTheFactsItWasGivenAndCleansTheName()
    {
        var (id, key) = ChatFile.NewKey(ChatFileType.Pdf);
        var hash = ContentHash.Of(TestData.Bytes(600));
        var location = StorageLocation.Create(StorageBackend.Local, key);

        var file = ChatFile.Create(id, Owner, " ../manual\r\n.pdf ", ChatFileType.Pdf, 600, hash, location, null, TestData.Now);

        file.Id.Should().Be(id);
        file.OwnerId.Should().Be(Owner);
        file.Name.Should().Be(".._manual__.pdf");
        file.ByteSize.Should().Be(600);
        file.Sha256.Should().Be(hash);
        file.Location.Should().Be(location);
        file.CreatedAt.Should().Be(TestData.Now);
        file.IsOwnedBy(Owner).Should().BeTrue();
        file.IsOwnedBy(UserId.New()).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void ANewKeyIsMadeFromTheIdAndTheFirstExtensionOfTheType(string typeName)
    {
        var type = ChatFileType.All.Single(t => t.Name == typeName);

        var (id, key) = ChatFile.NewKey(type);

        key.Should().Be($"files/{id.Value:N}{type.Extensions[0]}");
        key.Should().MatchRegex("^files/[0-9a-f]{32}\\.[a-z]+$");
        StorageLocation.IsValidKey(key).Should().BeTrue();
        StorageLocation.Create(StorageBackend.S3, key).Key.Should().Be(key);
    }

    [Fact]
    public void EveryNewKeyIsDifferent()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => ChatFile.NewKey(ChatFileType.Text)).ToList();

        keys.Select(k => k.Id).Should().OnlyHaveUniqueItems();
        keys.Select(k => k.Key).Should().OnlyHaveUniqueItems();
    }
}
