using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Models;
using AbParts.Application.Images;
using AbParts.Domain.Parts;
using AutoMapper;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Parts;

public sealed record GetPartQuery(Guid Id) : IRequest<PartDto>;

public sealed class GetPartHandler(IRepository<Part> parts, IMapper mapper, ImageVersions versions)
    : IRequestHandler<GetPartQuery, PartDto>
{
    public async Task<PartDto> Handle(GetPartQuery request, CancellationToken cancellationToken)
    {
        var part = await parts.FirstOrDefaultAsync(new PartByIdSpec(new PartId(request.Id)), cancellationToken);
        return part is null
            ? throw NotFoundException.For("Part", request.Id)
            : await PartDto.OneAsync(part, mapper, versions, cancellationToken);
    }
}

public sealed record ListPartsQuery(int Page = 1, int PageSize = Paging.DefaultPageSize)
    : IRequest<PagedList<PartDto>>, IPagedQuery;

public sealed class ListPartsValidator : AbstractValidator<ListPartsQuery>
{
    public ListPartsValidator() => this.AddPagingRules();
}

/// <summary>The parts catalogue is shared: every signed-in user lists all of it.</summary>
public sealed class ListPartsHandler(IRepository<Part> parts, IMapper mapper, ImageVersions versions)
    : IRequestHandler<ListPartsQuery, PagedList<PartDto>>
{
    public async Task<PagedList<PartDto>> Handle(ListPartsQuery request, CancellationToken cancellationToken)
    {
        var spec = new PartsPageSpec(request.Page, request.PageSize);
        var items = await parts.ListAsync(spec, cancellationToken);
        var total = await parts.CountAsync(spec, cancellationToken);
        return new PagedList<PartDto>(await PartDto.ListAsync(items, mapper, versions, cancellationToken), request.Page,
            request.PageSize, total);
    }
}
