using FluentValidation.Results;
using ValidationException = AbParts.Application.Common.Exceptions.ValidationException;

namespace AbParts.Application.UnitTests.Common;

public sealed class ValidationExceptionTests
{
    [Theory]
    [InlineData("PartNumber", "part_number")]
    [InlineData("OrganizationId", "organization_id")]
    [InlineData("Name", "name")]
    [InlineData("Items[0].PartNumber", "items[0].part_number")]
    [InlineData("Order.Lines[12].UnitPrice", "order.lines[12].unit_price")]
    public void WireNameIsTheSnakeCasePath(string propertyPath, string expected)
    {
        var wireName = ValidationException.WireName(propertyPath);

        wireName.Should().Be(expected);
    }

    [Fact]
    public void GroupsFailuresByWireNameWithoutDuplicateMessages()
    {
        var failures = new[]
        {
            new ValidationFailure("PartNumber", "too long"),
            new ValidationFailure("PartNumber", "too long"),
            new ValidationFailure("PartNumber", "one line"),
            new ValidationFailure("Name", "empty"),
        };

        var exception = new ValidationException(failures);

        exception.Errors.Should().HaveCount(2);
        exception.Errors["part_number"].Should().Equal("too long", "one line");
        exception.Errors["name"].Should().Equal("empty");
    }

    [Fact]
    public void ASingleFieldErrorKeepsTheFieldAsGiven()
    {
        var exception = new ValidationException("organization_id", "does not exist");

        exception.Errors.Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new KeyValuePair<string, string[]>("organization_id", ["does not exist"]));
    }
}
