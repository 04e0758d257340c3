using Ardalis.Specification;

namespace AbParts.Application.Common.Specifications;

public static class PagingExtensions
{
    /// <summary>
    /// One page of the ordered results, counting pages from 1. A page or size below 1 is a programming
    /// error (validators refuse them at the edge), so it throws rather than returning an empty page.
    /// </summary>
    public static ISpecificationBuilder<T> Page<T>(this ISpecificationBuilder<T> query, int page, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(page);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        return query.Skip((page - 1) * pageSize).Take(pageSize);
    }
}
