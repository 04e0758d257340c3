using AbParts.Application.Common.Abstractions;

namespace AbParts.Application.UnitTests.Support;

/// <summary>A unit of work that only counts how often the use case saved.</summary>
public sealed class CountingUnitOfWork : IUnitOfWork
{
    public int SaveCount { get; private set; }

    public Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        SaveCount++;
        return Task.CompletedTask;
    }

    /// <summary>Handlers never open transactions themselves (the pipeline does), so none is offered.</summary>
    public Task<IUnitOfWorkTransaction?> BeginTransactionAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IUnitOfWorkTransaction?>(null);
}
