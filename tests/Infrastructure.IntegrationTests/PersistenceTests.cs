using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Specifications;
using AbParts.Application.Organizations;
using AbParts.Application.Parts;
using AbParts.Application.Users;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Organizations;
using AbParts.Domain.Parts;
using AbParts.Domain.Users;
using AbParts.Infrastructure.Persistence;
using Ardalis.Specification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>Aggregates round-trip through the real repository, unit of work and PostgreSQL.</summary>
public sealed class PersistenceTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task UserRoundTripsWithItsValueObjects()
    {
        var organization = await fixture.SaveAsync(Organization.Create($"Org {Guid.NewGuid()}", Now));
        var user = User.Create(Username.Create($"U{Guid.NewGuid():N}"[..20]), "hash", UserRole.Admin, organization.Id, Now);
        await fixture.SaveAsync(user);

        var loaded = await fixture.FirstAsync(new UserByIdSpec(user.Id));

        loaded.Should().NotBeNull();
        loaded!.Username.Should().Be(user.Username);
        loaded.Role.Should().Be(UserRole.Admin);
        loaded.OrganizationId.Should().Be(organization.Id);
        loaded.CreatedAt.Should().Be(Now);
    }

    [Fact]
    public async Task DuplicateUsernameSavedPastTheHandlerCheckSurfacesAsConflict()
    {
        var organization = await fixture.SaveAsync(Organization.Create($"Org {Guid.NewGuid()}", Now));
        var username = Username.Create($"dup{Guid.NewGuid():N}"[..20]);
        await fixture.SaveAsync(User.Create(username, "hash", UserRole.User, organization.Id, Now));

        var saving = () => fixture.SaveAsync(User.Create(username, "hash", UserRole.User, organization.Id, Now));

        await saving.Should().ThrowAsync<ConflictException>().WithMessage("The username is taken.");
    }

    [Fact]
    public async Task DuplicatePartNumberSavedPastTheHandlerCheckSurfacesAsConflict()
    {
        var number = PartNumber.Create($"PN-{Guid.NewGuid()}");
        await fixture.SaveAsync(Part.Create(number, "Filter", null, Now));

        var saving = () => fixture.SaveAsync(Part.Create(number, "Other", null, Now));

        await saving.Should().ThrowAsync<ConflictException>();
    }

    [Fact]
    public async Task ImageMetadataRoundTripsWithItsThumbnailsAndStorageLocations()
    {
        var bytes = RandomBytes(2048);
        var image = ImageAsset.Create(bytes, new ImageMetadata(1024, 768), StorageBackend.Postgres, Now);
        image.AddThumbnail(100, RandomBytes(300), new ImageMetadata(100, 75));
        await fixture.SaveAsync(image);

        await using var scope = fixture.Services.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AbPartsDbContext>();
        var loaded = await db.Images.AsNoTracking().Include(i => i.Thumbnails).SingleAsync(i => i.Id == image.Id);

        loaded.Sha256.Should().Be(ContentHash.Of(bytes));
        loaded.Location.Should().Be(image.Location);
        loaded.Thumbnail(100)!.Location.Should().Be(image.Thumbnail(100)!.Location);
        loaded.StoredObjects.Should().HaveCount(2);
    }

    [Fact]
    public async Task PartGalleryOrderSurvivesReorderingAndRemoval()
    {
        var images = new[] { NewImage(), NewImage(), NewImage() };
        foreach (var image in images)
        {
            await fixture.SaveAsync(image);
        }

        var part = Part.Create(PartNumber.Create($"PN-{Guid.NewGuid()}"), "Pump", null, Now);
        foreach (var image in images)
        {
            part.AddImage(image.Id, maxImages: 10);
        }

        await fixture.SaveAsync(part);

        await using (var scope = fixture.Services.Scope())
        {
            var repository = scope.ServiceProvider.GetRequiredService<IRepository<Part>>();
            var loaded = await repository.FirstOrDefaultAsync(new PartByIdSpec(part.Id), CancellationToken.None);
            loaded!.ReorderImages([images[2].Id, images[0].Id, images[1].Id]);
            loaded.RemoveImageAt(1);
            await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(CancellationToken.None);
        }

        var reloaded = await fixture.FirstAsync(new PartByIdSpec(part.Id));

        reloaded!.Images.Should().Equal(new PartImage(images[2].Id, 0), new PartImage(images[1].Id, 1));
    }

    [Fact]
    public async Task DeletingAProfilePhotoImageClearsTheUsersReference()
    {
        var organization = await fixture.SaveAsync(Organization.Create($"Org {Guid.NewGuid()}", Now));
        var photo = await fixture.SaveAsync(NewImage());
        var user = User.Create(Username.Create($"p{Guid.NewGuid():N}"[..20]), "hash", UserRole.User, organization.Id, Now);
        user.ReplaceProfilePhoto(photo.Id);
        await fixture.SaveAsync(user);

        await fixture.Database.ScalarAsync<int>($"DELETE FROM images WHERE id = '{photo.Id}'");

        (await fixture.FirstAsync(new UserByIdSpec(user.Id)))!.ProfilePhotoImageId.Should().BeNull();
    }

    [Fact]
    public async Task ByteSizeOverTheLimitIsRefusedByTheDatabaseToo()
    {
        var image = await fixture.SaveAsync(NewImage());

        var update = () => fixture.Database.ScalarAsync<int>(
            $"UPDATE images SET byte_size = {ImageLimits.MaxBytes + 1} WHERE id = '{image.Id}'");

        await update.Should().ThrowAsync<Npgsql.PostgresException>().Where(e => e.ConstraintName == "ck_images_byte_size");
    }

    [Fact]
    public async Task SpecificationPagesInOrderAndCountsIgnoringThePage()
    {
        var prefix = $"Paged {Guid.NewGuid():N} ";
        foreach (var letter in new[] { "e", "a", "d", "b", "c" })
        {
            await fixture.SaveAsync(Organization.Create(prefix + letter, Now));
        }

        await using var scope = fixture.Services.Scope();
        var repository = scope.ServiceProvider.GetRequiredService<IRepository<Organization>>();
        var spec = new PagedByPrefixSpec(prefix, page: 2, pageSize: 2);

        var page = await repository.ListAsync(spec, CancellationToken.None);
        var total = await repository.CountAsync(spec, CancellationToken.None);

        page.Select(o => o.Name).Should().Equal(prefix + "c", prefix + "d");
        total.Should().Be(5);
    }

    private sealed class PagedByPrefixSpec : Specification<Organization>
    {
        public PagedByPrefixSpec(string prefix, int page, int pageSize)
        {
            Query.Where(o => o.Name.StartsWith(prefix))
                .OrderBy(o => o.Name);
            Query.Page(page, pageSize)
                .AsNoTracking();
        }
    }

    private static ImageAsset NewImage() =>
        ImageAsset.Create(RandomBytes(512), new ImageMetadata(640, 480), StorageBackend.Postgres, Now);

    private static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);
}
