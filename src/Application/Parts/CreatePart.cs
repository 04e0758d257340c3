using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Parts;
using AutoMapper;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Parts;

public sealed record CreatePartCommand(string PartNumber, string Name, string? Description = null) : IRequest<PartDto>;

public sealed class CreatePartValidator : AbstractValidator<CreatePartCommand>
{
    public CreatePartValidator()
    {
        RuleFor(c => c.PartNumber).NotEmpty().Must(n => n?.Trim().Length > 0).WithMessage("'part_number' must not be blank.")
            .MaximumLength(Domain.Parts.PartNumber.MaxLength)
            .Must(n => n is null || !n.Any(char.IsControl)).WithMessage("'part_number' must be on one line without control characters.");
        RuleFor(c => c.Name).NotEmpty().Must(n => n?.Trim().Length > 0).WithMessage("'name' must not be blank.")
            .MaximumLength(Part.NameMaxLength);
        RuleFor(c => c.Description).MaximumLength(Part.DescriptionMaxLength);
    }
}

public sealed class CreatePartHandler(IRepository<Part> parts, IUnitOfWork unitOfWork, IClock clock, IMapper mapper)
    : IRequestHandler<CreatePartCommand, PartDto>
{
    public async Task<PartDto> Handle(CreatePartCommand request, CancellationToken cancellationToken)
    {
        var number = PartNumber.Create(request.PartNumber);
        if (await parts.AnyAsync(new PartByNumberSpec(number), cancellationToken))
        {
            throw new ConflictException($"A part numbered '{number}' already exists.");
        }

        var part = Part.Create(number, request.Name, request.Description, clock.UtcNow);
        parts.Add(part);
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return mapper.Map<PartDto>(part);
    }
}
