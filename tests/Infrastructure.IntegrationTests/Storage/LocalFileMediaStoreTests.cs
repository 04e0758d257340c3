using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Media;
using AbParts.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.IntegrationTests.Storage;

public sealed class LocalFileMediaStoreTests : MediaStoreContract, IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("abparts-local-store-").FullName;
    private readonly ServiceProvider _services;

    public LocalFileMediaStoreTests() => _services = Services(_dataDirectory);

    private string Root => Path.Combine(_dataDirectory, "media");

    protected override Task<(IMediaStore Store, IAsyncDisposable Lifetime)> StoreAsync()
    {
        var scope = _services.CreateAsyncScope();
        return Task.FromResult<(IMediaStore, IAsyncDisposable)>(
            (scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Local), scope));
    }

    [Fact]
    public async Task FilesLandUnderTheConfiguredRootByDefaultTheDataDirectory()
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;

        await store.SaveAsync("videos/a.mp4", new MemoryStream([1, 2, 3]), "video/mp4", CancellationToken.None);

        File.ReadAllBytes(Path.Combine(Root, "videos", "a.mp4")).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task NoTemporaryFileRemainsAfterASaveOrAFailedOne()
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        await store.SaveAsync("videos/ok.mp4", new MemoryStream(new byte[300_000]), "video/mp4", CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var failing = () => store.SaveAsync("videos/cancelled.mp4", new MemoryStream(new byte[10]), "video/mp4", cancelled.Token);

        await failing.Should().ThrowAsync<OperationCanceledException>();
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Select(Path.GetFileName)
            .Should().BeEquivalentTo("ok.mp4", "ok.mp4.meta");
    }

    [Fact]
    public async Task AKeyIsWrittenOnce()
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        await store.SaveAsync("videos/once.mp4", new MemoryStream([1]), "video/mp4", CancellationToken.None);

        var again = () => store.SaveAsync("videos/once.mp4", new MemoryStream([2]), "video/mp4", CancellationToken.None);

        await again.Should().ThrowAsync<IOException>();
        File.ReadAllBytes(Path.Combine(Root, "videos", "once.mp4")).Should().Equal(1);
    }

    [Fact]
    public async Task AnInterruptedWriteLeftOnDiskIsNeverListedOrServed()
    {
        var (store, lifetime) = await StoreAsync();
        await using var _ = lifetime;
        Directory.CreateDirectory(Path.Combine(Root, "videos"));
        await File.WriteAllBytesAsync(Path.Combine(Root, "videos", ".crashed.mp4.0123.partial"), [1, 2]);

        var listed = new List<string>();
        await foreach (var media in store.ListAsync("videos/", CancellationToken.None))
        {
            listed.Add(media.Key);
        }

        listed.Should().BeEmpty();
        (await store.StatAsync("videos/crashed.mp4", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task ADiskWithRoomForTheFileButNotItsMetadataRefusesTheSaveAndKeepsNothing()
    {
        using var disk = await SmallDisk.MountAsync(1024 * 1024);
        await using var services = Services(disk.Path);
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Local);
        const int Bytes = 16 * 4096; // whole pages of the tmpfs: exactly the room left, none for the .meta file
        disk.FillLeaving(Bytes);

        var saving = () => store.SaveAsync("videos/full.mp4", new MemoryStream(new byte[Bytes]), "video/mp4", CancellationToken.None);

        (await saving.Should().ThrowAsync<InsufficientStorageException>()).WithInnerException<IOException>();
        Directory.EnumerateFiles(Path.Combine(disk.Path, "media"), "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    private static ServiceProvider Services(string dataDirectory) =>
        new ServiceCollection().AddLogging().AddInfrastructure(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Default"] = "Host=unused",
                ["ABPARTS_DATA_DIR"] = dataDirectory,
                ["Storage:Videos:Backend"] = "Local",
            }).Build()).BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
