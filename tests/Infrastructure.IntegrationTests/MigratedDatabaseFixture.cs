using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Common;
using AbParts.Tests.Support;
using Ardalis.Specification;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>One migrated database per test class, with the real Infrastructure services on it.</summary>
public sealed class MigratedDatabaseFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private InfrastructureServices? _services;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    public InfrastructureServices Services => _services ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Adds <paramref name="aggregate"/> through its repository and commits, in a scope of its own.</summary>
    public async Task<T> SaveAsync<T>(T aggregate) where T : class, IAggregateRoot
    {
        await using var scope = Services.Scope();
        scope.ServiceProvider.GetRequiredService<IRepository<T>>().Add(aggregate);
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(CancellationToken.None);
        return aggregate;
    }

    /// <summary>The first match of <paramref name="spec"/>, read in a fresh scope (so from the database, not a tracked copy).</summary>
    public async Task<T?> FirstAsync<T>(ISpecification<T> spec) where T : class, IAggregateRoot
    {
        await using var scope = Services.Scope();
        return await scope.ServiceProvider.GetRequiredService<IRepository<T>>().FirstOrDefaultAsync(spec, CancellationToken.None);
    }

    /// <summary>Every match of <paramref name="spec"/>, read in a fresh scope.</summary>
    public async Task<IReadOnlyList<T>> ListAsync<T>(ISpecification<T> spec) where T : class, IAggregateRoot
    {
        await using var scope = Services.Scope();
        return await scope.ServiceProvider.GetRequiredService<IRepository<T>>().ListAsync(spec, CancellationToken.None);
    }

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _services = new InfrastructureServices(_database.ConnectionString);
        await _services.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
