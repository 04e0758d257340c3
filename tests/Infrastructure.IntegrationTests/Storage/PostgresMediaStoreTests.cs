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
        var key = NewKey();
        await using (var scope = fixture.Services.Scope())
        {
            var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
            var store = scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Postgres);
            await using var transaction = await unitOfWork.BeginTransactionAsync(CancellationToken.None);
            await store.SaveAsync(key, new MemoryStream([1, 2, 3]), "image/webp", CancellationToken.None);
            (await store.StatAsync(key, CancellationToken.None)).Should().NotBeNull("the transaction sees its own write");
        }

        var (after, lifetime) = await StoreAsync();
        await using var _ = lifetime;

        (await after.StatAsync(key, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task BytesWrittenInsideACommittedUnitOfWorkStay()
    {
        var key = NewKey();
        await using (var scope = fixture.Services.Scope())
        {
            var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
            var store = scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Postgres);
            await using var transaction = await unitOfWork.BeginTransactionAsync(CancellationToken.None);
            await store.SaveAsync(key, new MemoryStream([1, 2, 3]), "image/webp", CancellationToken.None);
            await transaction!.CommitAsync(CancellationToken.None);
        }

        var (after, lifetime) = await StoreAsync();
        await using var _ = lifetime;

        (await after.StatAsync(key, CancellationToken.None)).Should().NotBeNull();
    }
}
