using AbParts.Application.Chat;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Chat;
using AbParts.Domain.Files;

namespace AbParts.Application.UnitTests.Chat;

/// <summary>A session's history: its messages oldest first, each with the files it still carries, for its owner and super admins.</summary>
public sealed class GetChatHistoryHandlerTests
{
    private readonly Caller _owner = ChatFakes.User();
    private readonly ChatSession _session;
    private readonly ChatFile[] _files;
    private readonly InMemoryRepository<ChatSession> _sessions;
    private readonly InMemoryRepository<ChatMessage> _messages = new();
    private readonly InMemoryRepository<ChatFile> _fileRepository;

    public GetChatHistoryHandlerTests()
    {
        _session = ChatSession.Start(_owner.UserId, "Pump P-100", Fakes.Now);
        _files = [ChatFakes.File(_owner.UserId, "a.txt"), ChatFakes.File(_owner.UserId, "b.txt"), ChatFakes.File(_owner.UserId, "c.txt")];
        _sessions = new InMemoryRepository<ChatSession>(_session);
        _fileRepository = new InMemoryRepository<ChatFile>(_files);
    }

    /// <summary>Adds a message posted <paramref name="minutes"/> after <see cref="Fakes.Now"/>.</summary>
    private ChatMessage Post(int minutes, ChatRole role, string content, params ChatFile[] files)
    {
        var message = _session.Post(role, content, files, Fakes.Now.AddMinutes(minutes));
        _messages.Add(message);
        return message;
    }

    private Task<ChatHistoryDto> HistoryAsync(Caller? caller, Guid? session = null) =>
        new GetChatHistoryHandler(_sessions, _messages, _fileRepository, Fakes.CurrentUser(caller))
            .Handle(new GetChatHistoryQuery(session ?? _session.Id.Value), CancellationToken.None);

    [Fact]
    public async Task ReturnsTheMessagesOldestFirstWithTheirFilesInTheOrderTheyWereNamed()
    {
        var third = Post(3, ChatRole.User, "and these?", _files[2], _files[0]);
        var first = Post(1, ChatRole.System, "You answer questions about pumps.");
        var second = Post(2, ChatRole.Assistant, "", _files[1]);

        var history = await HistoryAsync(_owner);

        history.Session.Should().Be(new ChatSessionDto(_session.Id.Value, "Pump P-100", Fakes.Now));
        history.Messages.Select(m => m.Id).Should().Equal(first.Id.Value, second.Id.Value, third.Id.Value);
        history.Messages.Select(m => m.Role).Should().Equal("system", "assistant", "user");
        history.Messages.Select(m => m.CreatedAt).Should().BeInAscendingOrder();
        history.Messages[0].Uploads.Should().BeEmpty();
        history.Messages[1].Uploads.Select(u => u.Name).Should().Equal("b.txt");
        history.Messages[2].Uploads.Select(u => u.Name).Should().Equal("c.txt", "a.txt");
        history.Messages[2].Content.Should().Be("and these?");
    }

    [Fact]
    public async Task ADeletedFileIsLeftOutOfTheMessagesThatCarriedIt()
    {
        Post(1, ChatRole.User, "three files", _files[0], _files[1], _files[2]);
        Post(2, ChatRole.User, "only the deleted one", _files[1]);
        _fileRepository.Remove(_files[1]);

        var history = await HistoryAsync(_owner);

        history.Messages.Should().HaveCount(2);
        history.Messages[0].Uploads.Select(u => u.Name).Should().Equal("a.txt", "c.txt");
        history.Messages[1].Uploads.Should().BeEmpty();
        history.Messages[1].Content.Should().Be("only the deleted one");
    }

    [Fact]
    public async Task OnlyTheMessagesOfThatSessionAreShown()
    {
        var other = ChatSession.Start(_owner.UserId, "Other", Fakes.Now);
        _sessions.Add(other);
        _messages.Add(other.Post(ChatRole.User, "elsewhere", [], Fakes.Now));
        var mine = Post(1, ChatRole.User, "here");

        var history = await HistoryAsync(_owner);

        history.Messages.Select(m => m.Id).Should().Equal(mine.Id.Value);
    }

    [Fact]
    public async Task ASessionWithoutMessagesHasAnEmptyHistory()
    {
        var history = await HistoryAsync(_owner);

        history.Messages.Should().BeEmpty();
        history.Session.Id.Should().Be(_session.Id.Value);
    }

    [Fact]
    public async Task ASuperAdminReadsAnyonesHistory()
    {
        Post(1, ChatRole.User, "mine", _files[0]);

        var history = await HistoryAsync(ChatFakes.SuperAdmin());

        history.Messages.Should().ContainSingle().Which.Uploads.Select(u => u.Id).Should().Equal(_files[0].Id.Value);
    }

    public static TheoryData<string> Strangers() => ["another user", "an admin", "nobody"];

    [Theory]
    [MemberData(nameof(Strangers))]
    public async Task AnyoneElseIsToldTheSessionDoesNotExist(string who)
    {
        Post(1, ChatRole.User, "private", _files[0]);
        var caller = who switch
        {
            "another user" => ChatFakes.User(),
            "an admin" => ChatFakes.Admin() with { OrganizationId = _owner.OrganizationId },
            _ => null,
        };

        var reading = () => HistoryAsync(caller);

        await reading.Should().ThrowAsync<NotFoundException>().WithMessage($"Chat session '{_session.Id}' was not found.");
    }

    [Fact]
    public async Task ASessionThatDoesNotExistIsNotFound()
    {
        var missing = Guid.NewGuid();

        var reading = () => HistoryAsync(_owner, missing);

        await reading.Should().ThrowAsync<NotFoundException>().WithMessage($"Chat session '{missing}' was not found.");
    }
}
