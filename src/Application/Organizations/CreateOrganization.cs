using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Organizations;
using AutoMapper;
using FluentValidation;
using MediatR;

namespace AbParts.Application.Organizations;

public sealed record CreateOrganizationCommand(string Name) : IRequest<OrganizationDto>;

public sealed class CreateOrganizationValidator : AbstractValidator<CreateOrganizationCommand>
{
    public CreateOrganizationValidator() =>
        RuleFor(c => c.Name).NotEmpty().Must(n => n?.Trim().Length > 0).WithMessage("'name' must not be blank.")
            .MaximumLength(Organization.NameMaxLength);
}

public sealed class CreateOrganizationHandler(IRepository<Organization> organizations, IUnitOfWork unitOfWork,
    IClock clock, IMapper mapper) : IRequestHandler<CreateOrganizationCommand, OrganizationDto>
{
    public async Task<OrganizationDto> Handle(CreateOrganizationCommand request, CancellationToken cancellationToken)
    {
        var organization = Organization.Create(request.Name, clock.UtcNow);
        if (await organizations.AnyAsync(new OrganizationByNameSpec(organization.Name), cancellationToken))
        {
            throw new ConflictException($"An organization named '{organization.Name}' already exists.");
        }

        organizations.Add(organization);
        await unitOfWork.SaveChangesAsync(cancellationToken);
        return mapper.Map<OrganizationDto>(organization);
    }
}
