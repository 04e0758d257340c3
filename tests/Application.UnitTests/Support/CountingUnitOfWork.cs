using AbParts.Application.Common.Abstractions;

namespace AbParts.Application.UnitTests.Support;

/// <summary>
/// A unit of work that counts saves and transactions and knows whether one is open, so a test can tell
/// which work a use case did inside its transaction and which before it.
/// </summary>
public sealed class CountingUnitOfWork : IUnitOfWork
{
    public int SaveCount { get; private set; }

    /// <summary>Saves made while a transaction was open.</summary>
    public int SavesInTransaction { get; private set; }

    public int Commits { get; private set; }

    public int RollBacks { get; private set; }

    public bool InTransaction { get; private set; }

    public Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        SaveCount++;
        SavesInTransaction += InTransaction ? 1 : 0;
        return Task.CompletedTask;
    }

    /// <summary>Like the real one: a transaction when none is open, <c>null</c> (join it) otherwise.</summary>
    public Task<IUnitOfWorkTransaction?> BeginTransactionAsync(CancellationToken cancellationToken)
    {
        if (InTransaction)
        {
            return Task.FromResult<IUnitOfWorkTransaction?>(null);
        }

        InTransaction = true;
        return Task.FromResult<IUnitOfWorkTransaction?>(new Transaction(this));
    }

    private sealed class Transaction(CountingUnitOfWork owner) : IUnitOfWorkTransaction
    {
        private bool _committed;

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            _committed = true;
            owner.Commits++;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            owner.RollBacks += _committed ? 0 : 1;
            owner.InTransaction = false;
            return ValueTask.CompletedTask;
        }
    }
}
