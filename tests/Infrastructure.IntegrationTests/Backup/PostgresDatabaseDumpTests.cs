using AbParts.Application.Backups;
using AbParts.Domain.Media;
using AbParts.Infrastructure.Backup;
using AbParts.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AbParts.Infrastructure.IntegrationTests.Backup;

/// <summary>pg_dump and pg_restore (Debian's, PostgreSQL 15) against the test server.</summary>
public sealed class PostgresDatabaseDumpTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("abparts-dump-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static PostgresDatabaseDump Dump(string connectionString) =>
        new(connectionString, new PostgresTools(new BackupOptions()), NullLogger<PostgresDatabaseDump>.Instance);

    [Fact]
    public async Task ADumpRestoredIntoATemporaryDatabaseHoldsTheBlobsAndReferencesAndIsDroppedAfterwards()
    {
        var key = $"images/{Guid.NewGuid():N}.webp";
        await ExecuteAsync(fixture.Database.ConnectionString,
            $"INSERT INTO media_blobs (key, content_type, byte_size, sha256, data, created_at) VALUES ('{key}', 'image/webp', 3, '{new string('a', 64)}', '\\x010203', now())");
        var file = Path.Combine(_folder, "database.dump");
        var dump = Dump(fixture.Database.ConnectionString);

        await dump.DumpAsync(file, CancellationToken.None);
        string name;
        var blobs = new List<StoredBlob>();
        await using (var restored = await dump.RestoreTemporaryAsync(file, CancellationToken.None))
        {
            name = restored.Name;
            await foreach (var blob in restored.BlobsAsync(CancellationToken.None))
            {
                blobs.Add(blob);
            }
        }

        blobs.Should().ContainSingle(b => b.Key == key).Which.Data.Should().Equal(1, 2, 3);
        (await ServerScalarAsync($"SELECT count(*) FROM pg_database WHERE datname = '{name}'")).Should().Be(0);
    }

    [Fact]
    public async Task AMissingDatabaseIsCreatedEmptyForARestoreAndThenRestoredAsAnotherRoleWouldBe()
    {
        var file = Path.Combine(_folder, "database.dump");
        await Dump(fixture.Database.ConnectionString).DumpAsync(file, CancellationToken.None);
        await using var target = await TestDatabase.CreateAsync(create: false);
        var dump = Dump(target.ConnectionString);

        var before = await dump.EnsureDatabaseAndListTablesAsync(CancellationToken.None);
        await dump.RestoreAsync(file, CancellationToken.None);
        var after = await dump.EnsureDatabaseAndListTablesAsync(CancellationToken.None);

        before.Should().BeEmpty();
        after.Should().Contain(["media_blobs", "users", "videos", "chat_files"]);
    }

    [Fact]
    public async Task ARefusedRestoreSaysWhatPgRestorePrintedAndLeavesNoTable()
    {
        var file = Path.Combine(_folder, "garbage.dump");
        await File.WriteAllTextAsync(file, "not a dump");
        await using var target = await TestDatabase.CreateAsync();
        var dump = Dump(target.ConnectionString);

        var restoring = () => dump.RestoreAsync(file, CancellationToken.None);

        (await restoring.Should().ThrowAsync<DatabaseToolException>()).Which.Message.Should()
            .StartWith("pg_restore failed (exit code 1):").And.Contain("not appear to be a valid archive");
        (await dump.EnsureDatabaseAndListTablesAsync(CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task AWrongPasswordFailsWithPgDumpsMessageThatNeverHoldsThePassword()
    {
        var wrong = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString) { Password = "wrong-secret-4711" };

        var dumping = () => Dump(wrong.ConnectionString).DumpAsync(Path.Combine(_folder, "x.dump"), CancellationToken.None);

        (await dumping.Should().ThrowAsync<DatabaseToolException>()).Which.Message.Should()
            .StartWith("pg_dump failed").And.Contain("password authentication failed").And.NotContain("wrong-secret-4711");
    }

    [Fact]
    public void TheConnectionStringBecomesLibpqEnvironment()
    {
        var connection = new NpgsqlConnectionStringBuilder(
            "Host=db.internal;Port=6543;Username=media;Password=s3cret;Database=abparts;SSL Mode=VerifyFull;Timeout=7");

        var environment = PostgresTools.Environment(connection);

        environment.Should().Contain(new Dictionary<string, string>
        {
            ["PGHOST"] = "db.internal", ["PGPORT"] = "6543", ["PGUSER"] = "media", ["PGPASSWORD"] = "s3cret",
            ["PGSSLMODE"] = "verify-full", ["PGCONNECT_TIMEOUT"] = "7",
        });
        PostgresTools.DatabaseArgument("o'brien\\db").Should().Be(@"dbname='o\'brien\\db'");
    }

    [Fact]
    public void TheNewestDebianPostgresqlIsUsedUnlessAFolderIsConfigured()
    {
        var newest = Directory.EnumerateDirectories("/usr/lib/postgresql").Select(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture)).Max();

        new PostgresTools(new BackupOptions()).PathOf("pg_dump").Should().Be($"/usr/lib/postgresql/{newest}/bin/pg_dump");
        new PostgresTools(new BackupOptions { PostgresBin = "/opt/pg16/bin" }).PathOf("pg_restore").Should().Be("/opt/pg16/bin/pg_restore");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ServerScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
