using AbParts.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>The real Infrastructure registrations, pointed at one test database.</summary>
public sealed class InfrastructureServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public InfrastructureServices(string connectionString, string? dataDirectory = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Default"] = connectionString,
                ["ABPARTS_DATA_DIR"] = dataDirectory,
            })
            .Build();
        _provider = new ServiceCollection().AddLogging().AddInfrastructure(configuration).BuildServiceProvider();
    }

    /// <summary>A new scope: its own DbContext, as one request or command would have.</summary>
    public AsyncServiceScope Scope() => _provider.CreateAsyncScope();

    public async Task<IReadOnlyList<string>> MigrateAsync()
    {
        await using var scope = Scope();
        return await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
    }

    /// <summary>Applies the migrations up to and including <paramref name="migration"/>, as a database of that time had them.</summary>
    public async Task MigrateToAsync(string migration)
    {
        await using var scope = Scope();
        await scope.ServiceProvider.GetRequiredService<AbPartsDbContext>().GetService<IMigrator>().MigrateAsync(migration);
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
