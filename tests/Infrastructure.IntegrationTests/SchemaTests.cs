using AbParts.Infrastructure.Persistence;
using AbParts.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>
/// The migrations must produce exactly the schema EF derives from the model, and the model snapshot that
/// `dotnet ef` diffs against must be the model, so that no change is left without its migration (ADR 0028).
/// </summary>
public sealed class SchemaTests
{
    // What the migrations create that the EF model cannot express, and so the only difference allowed:
    // the DEFERRABLE INITIALLY DEFERRED unique constraint on a part's image positions (ADR 0010) and the
    // index backing it. Listed in full, so that any other drift still fails.
    private static readonly string[] MigrationOnlyIndexes =
    [
        "CREATE UNIQUE INDEX uq_part_images_part_id_position ON public.part_images USING btree (part_id, \"position\")",
    ];

    private static readonly string[] MigrationOnlyConstraints =
    [
        "part_images uq_part_images_part_id_position UNIQUE (part_id, \"position\") DEFERRABLE INITIALLY DEFERRED",
    ];

    [Fact]
    public async Task MigratedSchemaEqualsTheSchemaEfCreatesFromTheModel()
    {
        await using var migrated = await TestDatabase.CreateAsync();
        await using var created = await TestDatabase.CreateAsync();
        await using (var services = new InfrastructureServices(migrated.ConnectionString))
        {
            await services.MigrateAsync();
        }

        await using (var services = new InfrastructureServices(created.ConnectionString))
        await using (var scope = services.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<AbPartsDbContext>().Database.EnsureCreatedAsync();
        }

        var expected = await SchemaSnapshot.ReadAsync(created);
        var actual = await SchemaSnapshot.ReadAsync(migrated);

        actual.Tables.Should().Equal(expected.Tables);
        actual.Columns.Should().Equal(expected.Columns);
        actual.Indexes.Should().Contain(MigrationOnlyIndexes);
        actual.Indexes.Except(MigrationOnlyIndexes).Should().Equal(expected.Indexes);
        actual.Constraints.Should().Contain(MigrationOnlyConstraints);
        actual.Constraints.Except(MigrationOnlyConstraints).Should().Equal(expected.Constraints);
    }

    [Fact]
    public async Task TheModelSnapshotIsTheModelSoNoChangeLacksItsMigration()
    {
        // Comparing the model with the snapshot needs no database, only the provider's settings.
        await using var services = new InfrastructureServices(TestDatabase.ServerConnectionString);
        await using var scope = services.Scope();
        await using var designTime = new DesignTimeDbContextFactory().CreateDbContext([]);

        var serviceChanges = scope.ServiceProvider.GetRequiredService<AbPartsDbContext>().Database.HasPendingModelChanges();
        var designTimeChanges = designTime.Database.HasPendingModelChanges();

        serviceChanges.Should().BeFalse("a model change needs its `dotnet ef migrations add`");
        designTimeChanges.Should().BeFalse("`dotnet ef` builds the service's model");
    }

    [Fact]
    public async Task SchemaHasTheTablesOfTheOldSystemAndTheImageTables()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = new InfrastructureServices(database.ConnectionString);
        await services.MigrateAsync();

        var snapshot = await SchemaSnapshot.ReadAsync(database);

        snapshot.Tables.Should().BeEquivalentTo(
            "chat_files", "chat_messages", "chat_sessions", "image_thumbnails", "images", "legacy_image_imports", "media_blobs",
            "organizations", "part_images", "parts", "users", "videos");
        snapshot.Columns.Should().Contain([
            "users.profile_photo_url text NULL",
            "organizations.logo_url text NULL",
            "parts.image_urls text[] NOT NULL",
        ]);
    }

    [Fact]
    public async Task OnlyTheMediaStoreTableHoldsBytesSoListingUsersOrganizationsAndPartsNeverReadsImageBytes()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = new InfrastructureServices(database.ConnectionString);
        await services.MigrateAsync();

        var byteColumns = await database.RowsAsync("""
            SELECT table_name || '.' || column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type = 'bytea' ORDER BY 1
            """);

        byteColumns.Should().Equal("media_blobs.data");
    }

    [Fact]
    public async Task MediaBytesUseExternalStorageBecauseWebpIsAlreadyCompressed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = new InfrastructureServices(database.ConnectionString);
        await services.MigrateAsync();

        var storage = await database.RowsAsync("""
            SELECT c.relname || '.' || a.attname || ' ' || a.attstorage::text
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relname = 'media_blobs' AND a.attname = 'data' ORDER BY 1
            """);

        storage.Should().Equal("media_blobs.data e");
    }

    [Fact]
    public async Task MigratingTwiceAppliesNothingTheSecondTime()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = new InfrastructureServices(database.ConnectionString);

        var first = await services.MigrateAsync();
        var second = await services.MigrateAsync();

        first.Should().Equal("20261121000000_InitialSchema", "20261121060000_Videos",
            "20261121070000_PartGalleryUniquePositions", "20261204080000_ChatFiles", "20261205090000_LegacyImageImports",
            "20261206090000_UserSecurityStamps");
        second.Should().BeEmpty();
    }

    [Fact]
    public async Task TwoProcessesMigratingANewDatabaseAtOnceBothSucceedAndApplyEachMigrationOnce()
    {
        await using var database = await TestDatabase.CreateAsync(create: false);
        await using var one = new InfrastructureServices(database.ConnectionString);
        await using var two = new InfrastructureServices(database.ConnectionString);

        var results = await Task.WhenAll(Task.Run(one.MigrateAsync), Task.Run(two.MigrateAsync));

        var all = await one.MigrateAsync();

        results.Should().ContainSingle(applied => applied.Count > 0, "one process applies, the other finds it done")
            .Which.Should().HaveCount(6);
        all.Should().BeEmpty();
        (await database.ScalarAsync<long>("SELECT count(*) FROM __ef_migrations_history")).Should().Be(6);
    }

    /// <summary>The parts of a schema that must match, each as a sorted list of readable lines.</summary>
    private sealed record SchemaSnapshot(
        IReadOnlyList<string> Tables,
        IReadOnlyList<string> Columns,
        IReadOnlyList<string> Indexes,
        IReadOnlyList<string> Constraints)
    {
        private const string OwnTables = "c.relname NOT LIKE '\\_\\_%'";

        public static async Task<SchemaSnapshot> ReadAsync(TestDatabase database) => new(
            await database.RowsAsync($"""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r' AND {OwnTables} ORDER BY 1
                """),
            await database.RowsAsync($"""
                SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                       || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END
                       || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE n.nspname = 'public' AND c.relkind = 'r' AND {OwnTables} AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY 1
                """),
            await database.RowsAsync("""
                SELECT indexdef FROM pg_indexes
                WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_%' ORDER BY 1
                """),
            await database.RowsAsync($"""
                SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
                FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND {OwnTables} ORDER BY 1
                """));
    }
}
