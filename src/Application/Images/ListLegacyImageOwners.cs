using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Specifications;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using Ardalis.Specification;
using MediatR;

namespace AbParts.Application.Images;

public enum LegacyImageOwnerKind
{
    User,
    Organization,
    Part,
}

/// <summary>A user, organization or part whose legacy URL column names an image file.</summary>
public sealed record LegacyImageOwner(LegacyImageOwnerKind Kind, Guid Id)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} {Id}";
}

/// <summary>
/// Every owner of a legacy image URL (<c>users.profile_photo_url</c>, <c>organizations.logo_url</c>,
/// <c>parts.image_urls</c>), migrated or not: users, then organizations, then parts, each by id. What the
/// import walks, listed first so that its progress has a total.
/// </summary>
public sealed record ListLegacyImageOwnersQuery : IRequest<IReadOnlyList<LegacyImageOwner>>;

public sealed class ListLegacyImageOwnersHandler(IRepository<User> users, IRepository<Organization> organizations,
    IRepository<Part> parts) : IRequestHandler<ListLegacyImageOwnersQuery, IReadOnlyList<LegacyImageOwner>>
{
    private const int PageSize = 500;

    public async Task<IReadOnlyList<LegacyImageOwner>> Handle(ListLegacyImageOwnersQuery request, CancellationToken cancellationToken)
    {
        var owners = new List<LegacyImageOwner>();
        await foreach (var user in PagesAsync(users, page => new UsersWithLegacyPhotoSpec(page, PageSize), cancellationToken))
        {
            owners.Add(new LegacyImageOwner(LegacyImageOwnerKind.User, user.Id.Value));
        }

        await foreach (var organization in PagesAsync(organizations, page => new OrganizationsWithLegacyLogoSpec(page, PageSize),
                           cancellationToken))
        {
            owners.Add(new LegacyImageOwner(LegacyImageOwnerKind.Organization, organization.Id.Value));
        }

        // The legacy array is not part of the queryable model (the domain exposes it read-only), so parts are
        // filtered here, a page at a time.
        await foreach (var part in PagesAsync(parts, page => new PartsByIdSpec(page, PageSize), cancellationToken))
        {
            if (part.ImageUrls.Any(url => !string.IsNullOrWhiteSpace(url)))
            {
                owners.Add(new LegacyImageOwner(LegacyImageOwnerKind.Part, part.Id.Value));
            }
        }

        return owners;
    }

    private static async IAsyncEnumerable<T> PagesAsync<T>(IRepository<T> repository, Func<int, ISpecification<T>> page,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, Domain.Common.IAggregateRoot
    {
        for (var number = 1; ; number++)
        {
            var items = await repository.ListAsync(page(number), cancellationToken);
            foreach (var item in items)
            {
                yield return item;
            }

            if (items.Count < PageSize)
            {
                yield break;
            }
        }
    }
}

public sealed class UsersWithLegacyPhotoSpec : Specification<User>
{
    public UsersWithLegacyPhotoSpec(int page, int pageSize)
    {
        Query.Where(u => u.ProfilePhotoUrl != null && u.ProfilePhotoUrl != "")
            .OrderBy(u => u.Id);
        Query.Page(page, pageSize)
            .AsNoTracking();
    }
}

public sealed class OrganizationsWithLegacyLogoSpec : Specification<Organization>
{
    public OrganizationsWithLegacyLogoSpec(int page, int pageSize)
    {
        Query.Where(o => o.LogoUrl != null && o.LogoUrl != "")
            .OrderBy(o => o.Id);
        Query.Page(page, pageSize)
            .AsNoTracking();
    }
}

public sealed class PartsByIdSpec : Specification<Part>
{
    public PartsByIdSpec(int page, int pageSize)
    {
        Query.OrderBy(p => p.Id);
        Query.Page(page, pageSize)
            .AsNoTracking();
    }
}
