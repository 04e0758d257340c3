using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Parts;
using AbParts.Infrastructure.Persistence;
using AbParts.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>
/// What keeps concurrent gallery changes of one part apart (ADR 0010): the part's row lock, and the
/// deferred unique constraint on (part_id, position) behind it.
/// </summary>
public sealed class PartGalleryConcurrencyTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    // Ids for the migration test, ordered so that the tie between Image1 and Image2 has a known winner.
    private static readonly Guid Part1 = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    private static readonly Guid Image1 = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Image2 = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid Image3 = Guid.Parse("00000000-0000-0000-0000-000000000003");
    private static readonly Guid Image4 = Guid.Parse("00000000-0000-0000-0000-000000000004");

    [Fact]
    public async Task ADuplicatePositionIsRefusedWhenTheTransactionCommits()
    {
        var (part, images) = await PartWithImagesAsync(2);
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, $"UPDATE part_images SET position = 0 WHERE image_id = '{images[1]}'");

        var committing = () => transaction.CommitAsync();

        (await committing.Should().ThrowAsync<PostgresException>())
            .Which.Should().Match<PostgresException>(e => e.SqlState == PostgresErrorCodes.UniqueViolation
                                                          && e.ConstraintName == "uq_part_images_part_id_position");
        (await PositionsAsync(part)).Should().Equal($"{images[0]} 0", $"{images[1]} 1");
    }

    [Fact]
    public async Task TwoPositionsSwappedInsideOneTransactionCommit()
    {
        var (part, images) = await PartWithImagesAsync(2);
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, $"UPDATE part_images SET position = 1 WHERE image_id = '{images[0]}'");
        await ExecuteAsync(connection, $"UPDATE part_images SET position = 0 WHERE image_id = '{images[1]}'");

        await transaction.CommitAsync();

        (await PositionsAsync(part)).Should().Equal($"{images[1]} 0", $"{images[0]} 1");
    }

    [Fact]
    public async Task ADuplicatePositionCommittedThroughTheUnitOfWorkIsAConflictAndSavesNothing()
    {
        var (part, images) = await PartWithImagesAsync(2);
        await using var scope = fixture.Services.Scope();
        var unitOfWork = scope.ServiceProvider.GetRequiredService<IUnitOfWork>();
        var db = scope.ServiceProvider.GetRequiredService<AbPartsDbContext>();
        await using var transaction = await unitOfWork.BeginTransactionAsync(CancellationToken.None);
        await db.Database.ExecuteSqlAsync($"UPDATE part_images SET position = 0 WHERE image_id = {images[1].Value}");

        var committing = () => transaction!.CommitAsync(CancellationToken.None);

        await committing.Should().ThrowAsync<ConflictException>().WithMessage(ConflictException.ConcurrentChange);
        (await PositionsAsync(part)).Should().Equal($"{images[0]} 0", $"{images[1]} 1");
    }

    [Fact]
    public async Task ASecondGalleryLockOfThePartWaitsUntilTheFirstTransactionEnds()
    {
        var (part, _) = await PartWithImagesAsync(0);
        await using var first = fixture.Services.Scope();
        await using var second = fixture.Services.Scope();
        await using var firstTransaction = await BeginAsync(first);
        await using var secondTransaction = await BeginAsync(second);
        await Lock(first).LockAsync(part.Value, CancellationToken.None);

        var waiting = Lock(second).LockAsync(part.Value, CancellationToken.None);
        var finishedEarly = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(500))) == waiting;
        await firstTransaction!.CommitAsync(CancellationToken.None);
        var acquired = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        finishedEarly.Should().BeFalse("the first transaction still held the part");
        acquired.Should().BeTrue();
    }

    [Fact]
    public async Task TheGalleryLockBlocksAnotherGalleryLockButNotTheKeyShareLockOfAForeignKeyCheck()
    {
        var (part, _) = await PartWithImagesAsync(0);
        await using var scope = fixture.Services.Scope();
        await using var transaction = await BeginAsync(scope);
        await Lock(scope).LockAsync(part.Value, CancellationToken.None);
        await using var other = await OpenAsync();

        var keyShare = () => ExecuteAsync(other, $"SELECT 1 FROM parts WHERE id = '{part}' FOR KEY SHARE NOWAIT");
        var galleryLock = () => ExecuteAsync(other, $"SELECT 1 FROM parts WHERE id = '{part}' FOR NO KEY UPDATE NOWAIT");

        await keyShare.Should().NotThrowAsync("inserting a video of the part must not wait for its gallery");
        (await galleryLock.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.LockNotAvailable);
    }

    [Fact]
    public async Task TheGalleryLockOfAPartThatDoesNotExistIsRefused()
    {
        await using var scope = fixture.Services.Scope();
        await using var transaction = await BeginAsync(scope);

        var acquired = await Lock(scope).LockAsync(PartId.New().Value, CancellationToken.None);

        acquired.Should().BeFalse();
    }

    [Fact]
    public async Task TheGalleryLockNeedsATransactionToLastUntil()
    {
        var (part, _) = await PartWithImagesAsync(0);
        await using var scope = fixture.Services.Scope();

        var acquiring = () => Lock(scope).LockAsync(part.Value, CancellationToken.None);

        await acquiring.Should().ThrowAsync<InvalidOperationException>().WithMessage("*InTransactionAsync*");
    }

    [Fact]
    public async Task TheMigrationRenumbersGalleriesTheOldRaceLeftWithDuplicatesOrGaps()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = new InfrastructureServices(database.ConnectionString);
        await using (var scope = services.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<AbPartsDbContext>().GetService<IMigrator>()
                .MigrateAsync("20261121060000_Videos");
        }

        await database.ScalarAsync<int>($$"""
            INSERT INTO parts (id, part_number, name, created_at, image_urls)
            VALUES ('{{Part1}}', 'PN-1', 'Pump', now(), '{}');
            INSERT INTO images (id, content_type, byte_size, sha256, width, height, storage_backend, storage_key, created_at)
            SELECT id::uuid, 'image/webp', 1, repeat('0', 64), 1, 1, 'postgres', 'images/' || id, now()
            FROM unnest(ARRAY['{{Image1}}', '{{Image2}}', '{{Image3}}', '{{Image4}}']) AS id;
            INSERT INTO part_images (part_id, image_id, position)
            VALUES ('{{Part1}}', '{{Image1}}', 0), ('{{Part1}}', '{{Image2}}', 0),
                   ('{{Part1}}', '{{Image3}}', 2), ('{{Part1}}', '{{Image4}}', 5);
            """);

        await services.MigrateAsync();

        (await database.RowsAsync("SELECT image_id::text || ' ' || position FROM part_images ORDER BY position"))
            .Should().Equal($"{Image1} 0", $"{Image2} 1", $"{Image3} 2", $"{Image4} 3");
    }

    private static IRepository<Part> Lock(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<IRepository<Part>>();

    private static Task<IUnitOfWorkTransaction?> BeginAsync(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<IUnitOfWork>().BeginTransactionAsync(CancellationToken.None);

    /// <summary>A saved part whose gallery holds <paramref name="count"/> saved images at positions 0..count-1.</summary>
    private async Task<(PartId Part, IReadOnlyList<ImageAssetId> Images)> PartWithImagesAsync(int count)
    {
        await using var scope = fixture.Services.Scope();
        var part = Part.Create(PartNumber.Create($"PN-{Guid.NewGuid()}"), "Pump", null, Now);
        var images = new List<ImageAssetId>();
        for (var i = 0; i < count; i++)
        {
            var image = ImageAsset.Create(System.Security.Cryptography.RandomNumberGenerator.GetBytes(512),
                new ImageMetadata(640, 480), StorageBackend.Postgres, Now);
            scope.ServiceProvider.GetRequiredService<IRepository<ImageAsset>>().Add(image);
            part.AddImage(image.Id, Part.MaxImagesCeiling);
            images.Add(image.Id);
        }

        scope.ServiceProvider.GetRequiredService<IRepository<Part>>().Add(part);
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(CancellationToken.None);
        return (part.Id, images);
    }

    private Task<IReadOnlyList<string>> PositionsAsync(PartId part) => fixture.Database.RowsAsync(
        $"SELECT image_id::text || ' ' || position FROM part_images WHERE part_id = '{part}' ORDER BY position");

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
