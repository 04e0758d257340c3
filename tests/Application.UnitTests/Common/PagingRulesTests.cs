using AbParts.Application.Common.Models;
using AbParts.Application.Organizations;
using AbParts.Application.Parts;
using AbParts.Application.Users;
using FluentValidation.Results;

namespace AbParts.Application.UnitTests.Common;

/// <summary>Every list query's validator applies the same paging rules.</summary>
public sealed class PagingRulesTests
{
    public static TheoryData<string> Lists => ["parts", "users", "organizations"];

    private static ValidationResult Validate(string list, int page, int pageSize) => list switch
    {
        "parts" => new ListPartsValidator().Validate(new ListPartsQuery(page, pageSize)),
        "users" => new ListUsersValidator().Validate(new ListUsersQuery(page, pageSize)),
        "organizations" => new ListOrganizationsValidator().Validate(new ListOrganizationsQuery(page, pageSize)),
        _ => throw new ArgumentOutOfRangeException(nameof(list), list, null),
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public void AcceptsTheDefaults(string list)
    {
        var result = Validate(list, 1, Paging.DefaultPageSize);

        result.IsValid.Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void RejectsPageZero(string list)
    {
        var result = Validate(list, 0, Paging.DefaultPageSize);

        result.Errors.Should().ContainSingle().Which.PropertyName.Should().Be(nameof(IPagedQuery.Page));
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void RejectsPageSizeZero(string list)
    {
        var result = Validate(list, 1, 0);

        result.Errors.Should().ContainSingle().Which.PropertyName.Should().Be(nameof(IPagedQuery.PageSize));
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void RejectsAPageSizeOverOneHundred(string list)
    {
        var result = Validate(list, 1, 101);

        result.Errors.Should().ContainSingle().Which.PropertyName.Should().Be(nameof(IPagedQuery.PageSize));
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void AcceptsAPageSizeOfOneHundred(string list)
    {
        var result = Validate(list, 1, 100);

        result.IsValid.Should().BeTrue();
    }

    [Fact]
    public void AddPagingRulesRefusesANullValidator()
    {
        var adding = () => Paging.AddPagingRules<ListPartsQuery>(null!);

        adding.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void PagingRulesReportSnakeCaseFieldsThroughTheBehavior()
    {
        var failures = Validate("parts", 0, 0).Errors;

        var exception = new Application.Common.Exceptions.ValidationException(failures);

        exception.Errors.Keys.Should().BeEquivalentTo("page", "page_size");
    }
}
