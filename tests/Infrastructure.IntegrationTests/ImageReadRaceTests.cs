using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Security;
using AbParts.Application.Files;
using AbParts.Application.Images;
using AbParts.Application.Users;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using AbParts.Domain.Videos;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>
/// An image read that a replacement overtakes is answered once more from the start (GetImageHandler). On EF Core the
/// request's DbContext still tracks what the first attempt read, so the second must read its rows untracked, or it
/// sees the old photo's id again, whose row and bytes are gone: a 404 for a user who has a photo (found by build/soak.sh).
/// </summary>
public sealed class ImageReadRaceTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task APhotoReplacedWhileItWasBeingReadIsAnsweredWithTheNewOne()
    {
        var organization = await fixture.SaveAsync(Organization.Create($"Org {Guid.NewGuid()}", Now));
        var old = await StoredImageAsync();
        var replacement = await StoredImageAsync();
        var user = User.Create(Username.Create($"r{Guid.NewGuid():N}"[..20]), "hash", UserRole.User, organization.Id, Now);
        user.ReplaceProfilePhoto(old.Id);
        await fixture.SaveAsync(user);
        await using var scope = fixture.Services.Scope();
        var handler = Handler(scope, new UserReader(user),
            new ReplacedBeforeFirstOpen(scope.ServiceProvider.GetRequiredService<IMediaStores>(),
                () => ReplacePhotoAsync(user.Id, replacement.Id)));

        var reply = await handler.Handle(new GetImageQuery(new ImageTarget.UserProfile(user.Id.Value), null, []), CancellationToken.None);

        reply.Version.Should().Be(replacement.Sha256.Value);
        reply.Content.Should().NotBeNull();
    }

    private static GetImageHandler Handler(AsyncServiceScope scope, ICurrentUser reader, IMediaStores stores)
    {
        T Get<T>() where T : notnull => scope.ServiceProvider.GetRequiredService<T>();
        return new GetImageHandler(Get<IRepository<User>>(), Get<IRepository<Organization>>(), Get<IRepository<Part>>(),
            Get<IRepository<VideoAsset>>(), Get<IRepository<ImageAsset>>(), new ChatFileAccess(Get<IRepository<ChatFile>>(), reader),
            reader, stores);
    }

    /// <summary>An image row with its bytes in PostgreSQL, as an upload leaves it.</summary>
    private async Task<ImageAsset> StoredImageAsync()
    {
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(512);
        var image = ImageAsset.Create(bytes, new ImageMetadata(640, 480), StorageBackend.Postgres, Now);
        await using var scope = fixture.Services.Scope();
        await scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Postgres)
            .SaveAsync(image.Location.Key, new MemoryStream(bytes), ImageLimits.StoredContentType, CancellationToken.None);
        return await fixture.SaveAsync(image);
    }

    /// <summary>Another request's replacement, committed in a scope of its own: the user points at the new image, the old one goes.</summary>
    private async Task ReplacePhotoAsync(UserId userId, ImageAssetId replacement)
    {
        await using var scope = fixture.Services.Scope();
        var user = await scope.ServiceProvider.GetRequiredService<IRepository<User>>()
            .FirstOrDefaultAsync(new UserByIdSpec(userId), CancellationToken.None);
        var previous = user!.ReplaceProfilePhoto(replacement)!.Value;
        var images = scope.ServiceProvider.GetRequiredService<IRepository<ImageAsset>>();
        var old = await images.FirstOrDefaultAsync(new ImageByIdSpec(previous), CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Postgres)
            .DeleteAsync(old!.Location.Key, CancellationToken.None);
        images.Remove(old);
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(CancellationToken.None);
    }

    private sealed class UserReader(User user) : ICurrentUser
    {
        public Caller? Caller { get; } = new(user.Id, user.OrganizationId, user.Role);

        public bool HasSignedUrl => false;
    }

    /// <summary>The service's stores, with a change committed once, just before the first bytes are opened.</summary>
    private sealed class ReplacedBeforeFirstOpen(IMediaStores stores, Func<Task> change) : IMediaStores
    {
        private Func<Task>? _change = change;

        public IMediaStore Resolve(StorageBackend backend) => new Store(stores.Resolve(backend), this);

        private sealed class Store(IMediaStore inner, ReplacedBeforeFirstOpen owner) : IMediaStore
        {
            public StorageBackend Backend => inner.Backend;

            public async Task<MediaContent?> OpenAsync(string key, ByteRange? range, CancellationToken cancellationToken)
            {
                if (Interlocked.Exchange(ref owner._change, null) is { } change)
                {
                    await change();
                }

                return await inner.OpenAsync(key, range, cancellationToken);
            }

            public Task<StoredMedia> SaveAsync(string key, Stream content, string contentType, CancellationToken cancellationToken) =>
                inner.SaveAsync(key, content, contentType, cancellationToken);

            public Task<StoredMedia?> StatAsync(string key, CancellationToken cancellationToken) => inner.StatAsync(key, cancellationToken);

            public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

            public IAsyncEnumerable<StoredMedia> ListAsync(string prefix, CancellationToken cancellationToken) =>
                inner.ListAsync(prefix, cancellationToken);
        }
    }
}
