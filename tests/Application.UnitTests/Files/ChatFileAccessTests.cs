using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Files;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Files;

namespace AbParts.Application.UnitTests.ChatFiles;

/// <summary>
/// A chat file is seen by its owner, super admins and a signed URL's holder; anyone else gets the very answer a
/// missing id gets.
/// </summary>
public sealed class ChatFileAccessTests
{
    private readonly Caller _owner = ChatFakes.User();
    private readonly ChatFile _file;
    private readonly InMemoryRepository<ChatFile> _files;

    public ChatFileAccessTests()
    {
        _file = ChatFakes.File(_owner.UserId);
        _files = new InMemoryRepository<ChatFile>(_file, ChatFakes.File(ChatFakes.User().UserId));
    }

    /// <param name="toRead">A read, which a signed URL may authorize, or else a change.</param>
    private Task<ChatFile> FindAsync(Caller? caller, bool toRead, Guid? id = null)
    {
        var access = new ChatFileAccess(_files, Fakes.CurrentUser(caller));
        return toRead
            ? access.FindToReadAsync(id ?? _file.Id.Value, CancellationToken.None)
            : access.FindToChangeAsync(id ?? _file.Id.Value, CancellationToken.None);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheOwnerFindsTheFile(bool toRead)
    {
        var found = await FindAsync(_owner, toRead);

        found.Should().BeSameAs(_file);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASuperAdminFindsAnyonesFile(bool toRead)
    {
        var found = await FindAsync(ChatFakes.SuperAdmin(), toRead);

        found.Should().BeSameAs(_file);
    }

    [Fact]
    public async Task ASignedUrlReadsTheFileWithoutACaller()
    {
        var access = new ChatFileAccess(_files, ChatFakes.SignedUrl());

        var found = await access.FindToReadAsync(_file.Id.Value, CancellationToken.None);

        found.Should().BeSameAs(_file);
    }

    [Fact]
    public async Task ASignedUrlIsNotEnoughWhereTheCallerMustBeKnown()
    {
        var access = new ChatFileAccess(_files, ChatFakes.SignedUrl());

        var finding = () => access.FindToChangeAsync(_file.Id.Value, CancellationToken.None);

        await finding.Should().ThrowAsync<NotFoundException>().WithMessage($"File '{_file.Id}' was not found.");
    }

    [Fact]
    public async Task ASignedUrlDoesNotMakeAMissingFileExist()
    {
        var id = Guid.NewGuid();
        var access = new ChatFileAccess(_files, ChatFakes.SignedUrl());

        var finding = () => access.FindToReadAsync(id, CancellationToken.None);

        await finding.Should().ThrowAsync<NotFoundException>().WithMessage($"File '{id}' was not found.");
    }

    public static TheoryData<string, bool> Strangers() => new()
    {
        { "another user", true },
        { "another user", false },
        { "an admin", true },
        { "an admin", false },
        { "nobody", true },
        { "nobody", false },
    };

    [Theory]
    [MemberData(nameof(Strangers))]
    public async Task AnyoneElseGetsTheAnswerOfAMissingId(string who, bool toRead)
    {
        var caller = who switch
        {
            "another user" => ChatFakes.User(),
            "an admin" => ChatFakes.Admin() with { OrganizationId = _owner.OrganizationId },
            _ => null,
        };
        var missing = Guid.NewGuid();
        var missingAnswer = await FluentActions.Awaiting(() => FindAsync(_owner, toRead, missing))
            .Should().ThrowAsync<NotFoundException>();

        var finding = () => FindAsync(caller, toRead);

        var answer = await finding.Should().ThrowAsync<NotFoundException>();
        answer.Which.Message.Should().Be($"File '{_file.Id}' was not found.")
            .And.Be(missingAnswer.Which.Message.Replace(missing.ToString(), _file.Id.ToString(), StringComparison.Ordinal));
    }
}
