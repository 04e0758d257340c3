using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Models;
using AbParts.Application.Common.Security;
using AbParts.Application.Common.Specifications;
using AbParts.Domain.Files;
using AbParts.Domain.Users;
using Ardalis.Specification;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Files;

/// <summary>The caller's own chat files, newest first (a super admin's too: their own).</summary>
public sealed record ListChatFilesQuery(int Page = 1, int PageSize = Paging.DefaultPageSize)
    : IRequest<PagedList<ChatFileDto>>, IPagedQuery;

public sealed class ListChatFilesValidator : AbstractValidator<ListChatFilesQuery>
{
    public ListChatFilesValidator() => this.AddPagingRules();
}

public sealed class ChatFilesOfOwnerSpec : Specification<ChatFile>
{
    public ChatFilesOfOwnerSpec(UserId owner, int page, int pageSize)
    {
        Query.Where(f => f.OwnerId == owner)
            .OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id);
        Query.Page(page, pageSize)
            .AsNoTracking();
    }
}

public sealed class ListChatFilesHandler(IRepository<ChatFile> files, ICurrentUser currentUser)
    : IRequestHandler<ListChatFilesQuery, PagedList<ChatFileDto>>
{
    public async Task<PagedList<ChatFileDto>> Handle(ListChatFilesQuery request, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        var spec = new ChatFilesOfOwnerSpec(caller.UserId, request.Page, request.PageSize);
        var items = await files.ListAsync(spec, cancellationToken);
        var total = await files.CountAsync(spec, cancellationToken);
        return new PagedList<ChatFileDto>(items.Select(ChatFileDto.From).ToList(), request.Page, request.PageSize, total);
    }
}
