using AbParts.Domain.Chat;
using AbParts.Domain.Common;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Users;

namespace AbParts.Domain.UnitTests;

/// <summary>A session belongs to one user; its messages carry text and that user's files, each once, in the order given.</summary>
public sealed class ChatSessionTests
{
    private static readonly UserId Owner = UserId.New();

    private static ChatFile FileOf(UserId owner)
    {
        var (id, key) = ChatFile.NewKey(ChatFileType.Text);
        return ChatFile.Create(id, owner, "notes.txt", ChatFileType.Text, 10, ContentHash.Of(TestData.Bytes(10)),
            StorageLocation.Create(StorageBackend.Postgres, key), null, TestData.Now);
    }

    private static ChatFile[] FilesOf(UserId owner, int count) => Enumerable.Range(0, count).Select(_ => FileOf(owner)).ToArray();

    private static ChatSession Session() => ChatSession.Start(Owner, "Pump P-100", TestData.Now);

    [Fact]
    public void StartsWithItsOwnerTheTrimmedTitleAndTheTime()
    {
        var session = ChatSession.Start(Owner, "  Pump P-100 seals \t", TestData.Now);

        session.OwnerId.Should().Be(Owner);
        session.Title.Should().Be("Pump P-100 seals");
        session.CreatedAt.Should().Be(TestData.Now);
        session.IsOwnedBy(Owner).Should().BeTrue();
        session.IsOwnedBy(UserId.New()).Should().BeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ABlankTitleIsNoTitle(string? title)
    {
        var session = ChatSession.Start(Owner, title, TestData.Now);

        session.Title.Should().BeNull();
    }

    [Fact]
    public void ATitleOfTheMaximumLengthIsKept()
    {
        var title = new string('t', ChatSession.TitleMaxLength);

        var session = ChatSession.Start(Owner, title, TestData.Now);

        session.Title.Should().Be(title);
    }

    [Fact]
    public void ATitleLongerThanTheMaximumIsRefused()
    {
        var starting = () => ChatSession.Start(Owner, new string('t', ChatSession.TitleMaxLength + 1), TestData.Now);

        starting.Should().Throw<DomainException>();
    }

    [Fact]
    public void ASessionWithoutAnOwnerIsRefused()
    {
        var starting = () => ChatSession.Start(new UserId(Guid.Empty), null, TestData.Now);

        starting.Should().Throw<DomainException>();
    }

    [Fact]
    public void EverySessionHasItsOwnId()
    {
        var first = Session();

        var second = Session();

        second.Id.Should().NotBe(first.Id);
    }

    [Fact]
    public void APostedMessageBelongsToTheSessionWithItsRoleTrimmedContentAndTime()
    {
        var session = Session();

        var message = session.Post(ChatRole.Assistant, "  Replace the seal.\n", [], TestData.Now);

        message.SessionId.Should().Be(session.Id);
        message.Role.Should().Be(ChatRole.Assistant);
        message.Content.Should().Be("Replace the seal.");
        message.FileIds.Should().BeEmpty();
        message.CreatedAt.Should().Be(TestData.Now);
    }

    [Fact]
    public void AMessageKeepsItsFilesInTheOrderGiven()
    {
        var files = FilesOf(Owner, 4);
        var given = new[] { files[2], files[0], files[3], files[1] };

        var message = Session().Post(ChatRole.User, null, given, TestData.Now);

        message.FileIds.Should().Equal(given.Select(f => f.Id));
        message.Content.Should().BeEmpty();
    }

    [Fact]
    public void AMessageMayCarryTheMaximumNumberOfFiles()
    {
        var files = FilesOf(Owner, ChatMessage.MaxFiles);

        var message = Session().Post(ChatRole.User, "all of them", files, TestData.Now);

        message.FileIds.Should().HaveCount(ChatMessage.MaxFiles);
    }

    [Fact]
    public void AMessageWithMoreThanTheMaximumNumberOfFilesIsRefused()
    {
        var files = FilesOf(Owner, ChatMessage.MaxFiles + 1);

        var posting = () => Session().Post(ChatRole.User, "too many", files, TestData.Now);

        posting.Should().Throw<DomainException>();
    }

    [Fact]
    public void AMessageNamingAFileTwiceIsRefused()
    {
        var file = FileOf(Owner);

        var posting = () => Session().Post(ChatRole.User, "twice", [file, FileOf(Owner), file], TestData.Now);

        posting.Should().Throw<DomainException>();
    }

    [Fact]
    public void AMessageCarryingAFileOfAnotherUserIsRefused()
    {
        var files = new[] { FileOf(Owner), FileOf(UserId.New()) };

        var posting = () => Session().Post(ChatRole.User, "look", files, TestData.Now);

        posting.Should().Throw<DomainException>();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \r\n\t ")]
    public void AMessageWithNeitherContentNorFilesIsRefused(string? content)
    {
        var posting = () => Session().Post(ChatRole.User, content, [], TestData.Now);

        posting.Should().Throw<DomainException>();
    }

    [Fact]
    public void AMessageLongerThanTheMaximumIsRefused()
    {
        var posting = () => Session().Post(ChatRole.User, new string('m', ChatMessage.ContentMaxLength + 1), [], TestData.Now);

        posting.Should().Throw<DomainException>();
    }

    [Fact]
    public void AMessageOfTheMaximumLengthIsKept()
    {
        var content = new string('m', ChatMessage.ContentMaxLength);

        var message = Session().Post(ChatRole.User, content, [], TestData.Now);

        message.Content.Should().Be(content);
    }

    [Theory]
    [InlineData(99)]
    [InlineData(-1)]
    public void AnUnknownRoleIsRefused(int role)
    {
        var posting = () => Session().Post((ChatRole)role, "hello", [], TestData.Now);

        posting.Should().Throw<DomainException>();
    }

    [Theory]
    [InlineData(ChatRole.User, "user")]
    [InlineData(ChatRole.Assistant, "assistant")]
    [InlineData(ChatRole.System, "system")]
    public void ARoleAndItsNameRoundTrip(ChatRole role, string name)
    {
        var named = role.ToName();

        named.Should().Be(name);
        ChatRoleNames.Parse(named).Should().Be(role);
        ChatRoleNames.TryParse(named, out var parsed).Should().BeTrue();
        parsed.Should().Be(role);
    }

    [Fact]
    public void TheNamesAreThoseOfEveryRole()
    {
        var names = ChatRoleNames.Names;

        names.Should().Equal("user", "assistant", "system");
        names.Select(ChatRoleNames.Parse).Should().Equal(Enum.GetValues<ChatRole>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("moderator")]
    [InlineData("user ")]
    public void AnUnknownRoleNameIsNotParsed(string? name)
    {
        var parsed = ChatRoleNames.TryParse(name, out _);

        parsed.Should().BeFalse();
        FluentActions.Invoking(() => ChatRoleNames.Parse(name!)).Should().Throw<DomainException>();
    }

    [Fact]
    public void AnUnknownRoleHasNoName()
    {
        var naming = () => ((ChatRole)99).ToName();

        naming.Should().Throw<ArgumentOutOfRangeException>();
    }
}
