using AbParts.Application.Common.Abstractions;
using MediatR;

namespace AbParts.Application.Files;

/// <summary>A chat file's facts and a way to read its original bytes, for its owner, a super admin or a signed URL.</summary>
public sealed record GetChatFileQuery(Guid Id) : IRequest<ChatFileContent>;

public sealed class ChatFileContent(ChatFileDto file, IMediaStore store, string key) : StoredBytes(store, key)
{
    public ChatFileDto File { get; } = file;
}

public sealed class GetChatFileHandler(ChatFileAccess access, IMediaStores stores) : IRequestHandler<GetChatFileQuery, ChatFileContent>
{
    public async Task<ChatFileContent> Handle(GetChatFileQuery request, CancellationToken cancellationToken)
    {
        var file = await access.FindToReadAsync(request.Id, cancellationToken);
        return new ChatFileContent(ChatFileDto.From(file), stores.Resolve(file.Location.Backend), file.Location.Key);
    }
}
