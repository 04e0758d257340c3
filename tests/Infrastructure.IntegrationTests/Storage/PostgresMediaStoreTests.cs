using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.IntegrationTests.Storage;

public sealed class PostgresMediaStoreTests(MigratedDatabaseFixture fixture)
    : MediaStoreContract, IClassFixture<MigratedDatabaseFixture>
{
    protected override Task<(IMediaStore Store, IAsyncDisposable Lifetime)> StoreAsync()
    {
        var scope = fixture.Services.Scope();
        var store = scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Postgres);
        return Task.FromResult<(IMediaStore, IAsyncDisposable)>((store, scope));
    }

    [Fact]
    public async Task BytesWrittenInsideARolledBackUnitOfWorkAreGone()
    {
        var key = await SaveInTransactionAsync(commit: false);

        (await StatAfterwardsAsync(key)).Should().BeNull();
    }

    [Fact]
    public async Task BytesWrittenInsideACommittedUnitOfWorkStay()
    {
        var key = await SaveInTransactionAsync(commit: true);

        (await StatAfterwardsAsync(key)).Should().NotBeNull();
    }

    /// <summary>Saves three bytes inside a unit-of-work transaction of its own scope, committing it or not.</summary>
    private async Task<string> SaveInTransactionAsync(bool commit)
    {
        var key = NewKey();
        await using var scope = fixture.Services.Scope();
        var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
        var store = scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Postgres);
        await using var transaction = await unitOfWork.BeginTransactionAsync(CancellationToken.None);
        await store.SaveAsync(key, new MemoryStream([1, 2, 3]), "image/webp", CancellationToken.None);
        (await store.StatAsync(key, CancellationToken.None)).Should().NotBeNull("the transaction sees its own write");
        if (commit)
        {
            await transaction!.CommitAsync(CancellationToken.None);
        }

        return key;
    }

    /// <summary>What a new scope, outside that transaction, sees.</summary>
    private async Task<StoredMedia?> StatAfterwardsAsync(string key)
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        return await store.StatAsync(key, CancellationToken.None);
    }
}
