namespace AbParts.Application.UnitTests.Common;

/// <summary>The flatness guard of <see cref="MappingTests"/> must itself catch what it is there for.</summary>
public sealed class MappingGraphTests
{
    [Fact]
    public void FindsASelfReferencingMap()
    {
        (Type, Type)[] maps = [(typeof(Node), typeof(NodeDto))];

        var recursions = MappingGraph.Recursions(maps);

        recursions.Should().ContainSingle().Which.Should().Be("NodeDto -> NodeDto");
    }

    [Fact]
    public void FindsACycleThroughACollection()
    {
        (Type, Type)[] maps = [(typeof(Order), typeof(OrderDto)), (typeof(Line), typeof(LineDto))];

        var recursions = MappingGraph.Recursions(maps);

        recursions.Should().Contain("OrderDto -> LineDto -> OrderDto");
    }

    [Fact]
    public void AcceptsNestedMapsWithoutACycle()
    {
        (Type, Type)[] maps = [(typeof(Line), typeof(FlatLineDto)), (typeof(Order), typeof(FlatOrderDto))];

        var recursions = MappingGraph.Recursions(maps);

        recursions.Should().BeEmpty();
    }

    public sealed class Node
    {
        public Node? Parent { get; init; }
    }

    public sealed class NodeDto
    {
        public NodeDto? Parent { get; init; }
    }

    public sealed class Order
    {
        public IReadOnlyList<Line> Lines { get; init; } = [];
    }

    public sealed class Line
    {
        public Order? Order { get; init; }
    }

    public sealed class OrderDto
    {
        public IReadOnlyList<LineDto> Lines { get; init; } = [];
    }

    public sealed class LineDto
    {
        public OrderDto? Order { get; init; }
    }

    public sealed class FlatOrderDto
    {
        public FlatLineDto[] Lines { get; init; } = [];
    }

    public sealed class FlatLineDto
    {
        public int Quantity { get; init; }
    }
}
