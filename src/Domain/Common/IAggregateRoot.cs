namespace AbParts.Domain.Common;

/// <summary>Marks the entities that repositories load and save as a whole.</summary>
#pragma warning disable CA1040 // a marker interface is the point: repositories accept aggregate roots only
public interface IAggregateRoot;
#pragma warning restore CA1040
