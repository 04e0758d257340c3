using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>One migrated database per test class, with the real Infrastructure services on it.</summary>
public sealed class MigratedDatabaseFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private InfrastructureServices? _services;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    public InfrastructureServices Services => _services ?? throw new InvalidOperationException("Not initialized.");

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
