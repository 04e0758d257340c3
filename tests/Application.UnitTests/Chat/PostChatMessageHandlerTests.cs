using AbParts.Application.Chat;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Chat;
using AbParts.Domain.Files;

namespace AbParts.Application.UnitTests.Chat;

/// <summary>A message goes into one of the caller's own sessions and carries only the caller's own files.</summary>
public sealed class PostChatMessageHandlerTests
{
    private readonly Caller _owner = ChatFakes.User();
    private readonly ChatSession _session;
    private readonly ChatFile[] _ownFiles;
    private readonly ChatFile _othersFile = ChatFakes.File(ChatFakes.User().UserId, "theirs.txt");
    private readonly InMemoryRepository<ChatSession> _sessions;
    private readonly InMemoryRepository<ChatMessage> _messages = new();
    private readonly InMemoryRepository<ChatFile> _files;
    private readonly CountingUnitOfWork _unitOfWork = new();

    public PostChatMessageHandlerTests()
    {
        _session = ChatSession.Start(_owner.UserId, "Pump P-100", Fakes.Now);
        _ownFiles = [ChatFakes.File(_owner.UserId, "a.txt"), ChatFakes.File(_owner.UserId, "b.txt"), ChatFakes.File(_owner.UserId, "c.txt")];
        _sessions = new InMemoryRepository<ChatSession>(_session, ChatSession.Start(ChatFakes.User().UserId, null, Fakes.Now));
        _files = new InMemoryRepository<ChatFile>([.. _ownFiles, _othersFile]);
    }

    private Task<ChatMessageDto> PostAsync(Caller? caller, string? content, params ChatFile[] files) =>
        PostAsync(caller, _session.Id.Value, content, files.Select(f => f.Id.Value).ToArray());

    private Task<ChatMessageDto> PostAsync(Caller? caller, Guid session, string? content, params Guid[] files) =>
        new PostChatMessageHandler(_sessions, _messages, _files, _unitOfWork, Fakes.CurrentUser(caller), Fakes.Clock())
            .Handle(new PostChatMessageCommand(session, "user", content, files), CancellationToken.None);

    [Fact]
    public async Task PostsAMessageWithTheCallersOwnFilesInTheOrderGiven()
    {
        var message = await PostAsync(_owner, "  What do these say?  ", _ownFiles[2], _ownFiles[0], _ownFiles[1]);

        message.SessionId.Should().Be(_session.Id.Value);
        message.Role.Should().Be("user");
        message.Content.Should().Be("What do these say?");
        message.CreatedAt.Should().Be(Fakes.Now);
        message.Uploads.Select(u => u.Name).Should().Equal("c.txt", "a.txt", "b.txt");
        var saved = _messages.Items.Should().ContainSingle().Which;
        saved.Id.Value.Should().Be(message.Id);
        saved.FileIds.Should().Equal(_ownFiles[2].Id, _ownFiles[0].Id, _ownFiles[1].Id);
        _unitOfWork.SaveCount.Should().Be(1);
    }

    [Fact]
    public async Task PostsAMessageWithoutFiles()
    {
        var message = await PostAsync(_owner, "Hello");

        message.Uploads.Should().BeEmpty();
        _messages.Items.Should().ContainSingle().Which.FileIds.Should().BeEmpty();
    }

    [Fact]
    public async Task AFileOfAnotherUserIsNotFoundByItsIdAndNothingIsPosted()
    {
        var posting = () => PostAsync(_owner, "look", _ownFiles[0], _othersFile, _ownFiles[1]);

        await posting.Should().ThrowAsync<NotFoundException>().WithMessage($"File '{_othersFile.Id}' was not found.");
        _messages.Items.Should().BeEmpty();
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task AFileThatDoesNotExistIsNotFoundByItsIdAndNothingIsPosted()
    {
        var missing = Guid.NewGuid();

        var posting = () => PostAsync(_owner, _session.Id.Value, "look", _ownFiles[0].Id.Value, missing);

        await posting.Should().ThrowAsync<NotFoundException>().WithMessage($"File '{missing}' was not found.");
        _messages.Items.Should().BeEmpty();
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task ASuperAdminCannotAttachAnotherUsersFileToTheirOwnSession()
    {
        var superAdmin = ChatFakes.SuperAdmin();
        var session = ChatSession.Start(superAdmin.UserId, null, Fakes.Now);
        _sessions.Add(session);

        var posting = () => PostAsync(superAdmin, session.Id.Value, "look", _ownFiles[0].Id.Value);

        await posting.Should().ThrowAsync<NotFoundException>().WithMessage($"File '{_ownFiles[0].Id}' was not found.");
        _messages.Items.Should().BeEmpty();
    }

    public static TheoryData<string> Strangers() => ["another user", "a super admin"];

    [Theory]
    [MemberData(nameof(Strangers))]
    public async Task AnotherUsersSessionIsNotFoundAndNothingIsPosted(string who)
    {
        var caller = who == "a super admin" ? ChatFakes.SuperAdmin() : ChatFakes.User();

        var posting = () => PostAsync(caller, "hello");

        await posting.Should().ThrowAsync<NotFoundException>().WithMessage($"Chat session '{_session.Id}' was not found.");
        _messages.Items.Should().BeEmpty();
        _unitOfWork.SaveCount.Should().Be(0);
    }

    [Fact]
    public async Task ASessionThatDoesNotExistIsNotFound()
    {
        var missing = Guid.NewGuid();

        var posting = () => PostAsync(_owner, missing, "hello");

        await posting.Should().ThrowAsync<NotFoundException>().WithMessage($"Chat session '{missing}' was not found.");
        _messages.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task AnAnonymousCallerIsForbidden()
    {
        var posting = () => PostAsync(null, "hello");

        await posting.Should().ThrowAsync<ForbiddenAccessException>();
        _messages.Items.Should().BeEmpty();
    }
}
