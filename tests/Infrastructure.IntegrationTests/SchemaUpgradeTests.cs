using System.Security.Cryptography;
using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;
using AbParts.Infrastructure.Persistence;
using AbParts.Tests.Support;
using FluentAssertions.Execution;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>
/// A database in the field upgrades without loss: created by the migrations written before the model snapshot,
/// filled, then migrated to the latest, it keeps every row of every table and every stored byte (ADR 0028).
/// </summary>
public sealed class SchemaUpgradeTests
{
    /// <summary>The last migration written by hand; databases in the field stand at it or before it.</summary>
    private const string LastHandWrittenMigration = "20261205090000_LegacyImageImports";

    private const string HistoryTable = "__ef_migrations_history";

    [Fact]
    public async Task ADatabaseOfTheHandWrittenMigrationsUpgradesToTheLatestKeepingEveryRowAndEveryStoredByte()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = new InfrastructureServices(database.ConnectionString);
        var newer = await MigrateToAsync(services, LastHandWrittenMigration);
        var blobs = await FillAsync(database);
        var columns = await ColumnsAsync(database);
        var before = await ContentsAsync(database, columns);

        var applied = await services.MigrateAsync();

        applied.Should().Equal(newer, "the upgrade applies exactly the migrations newer than the database");
        before.Where(t => t.Key != HistoryTable).Should().OnlyContain(t => t.Value.Count > 0, "every table was filled");
        var after = await ContentsAsync(database, columns);
        using (new AssertionScope())
        {
            foreach (var (table, rows) in before.Where(t => t.Key != HistoryTable))
            {
                after[table].Should().Equal(rows, $"{table} keeps every row and every value of the columns it had");
            }

            after[HistoryTable].Should().Contain(before[HistoryTable]);
        }

        await using var scope = services.Scope();
        var store = scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.Postgres);
        foreach (var (key, bytes) in blobs)
        {
            (await ReadAsync(store, key)).Should().Be(Sha256(bytes), $"the bytes of {key} read back unchanged");
        }

        var db = scope.ServiceProvider.GetRequiredService<AbPartsDbContext>();
        (await db.Organizations.AsNoTracking().ToListAsync()).Should().HaveCount(before["organizations"].Count);
        (await db.Users.AsNoTracking().ToListAsync()).Should().HaveCount(before["users"].Count);
        (await db.Parts.AsNoTracking().ToListAsync()).SelectMany(p => p.Images).Should().HaveCount(before["part_images"].Count);
        (await db.Images.AsNoTracking().Include(i => i.Thumbnails).ToListAsync()).SelectMany(i => i.Thumbnails)
            .Should().HaveCount(before["image_thumbnails"].Count);
        (await db.Videos.AsNoTracking().ToListAsync()).Should().HaveCount(before["videos"].Count);
        (await db.ChatFiles.AsNoTracking().ToListAsync()).Should().HaveCount(before["chat_files"].Count);
        (await db.ChatSessions.AsNoTracking().ToListAsync()).Should().HaveCount(before["chat_sessions"].Count);
        (await db.ChatMessages.AsNoTracking().ToListAsync()).Should().HaveCount(before["chat_messages"].Count);
        (await db.Set<LegacyImageImport>().AsNoTracking().ToListAsync()).Should().HaveCount(before["legacy_image_imports"].Count);
    }

    /// <summary>Applies the migrations up to <paramref name="target"/> only.</summary>
    /// <returns>The migrations newer than <paramref name="target"/>, oldest first.</returns>
    private static async Task<IReadOnlyList<string>> MigrateToAsync(InfrastructureServices services, string target)
    {
        await using var scope = services.Scope();
        var db = scope.ServiceProvider.GetRequiredService<AbPartsDbContext>();
        await db.GetService<IMigrator>().MigrateAsync(target);
        (await db.Database.GetAppliedMigrationsAsync()).Last().Should().Be(target);
        var all = db.Database.GetMigrations().ToList();
        return all[(all.IndexOf(target) + 1)..];
    }

    /// <summary>
    /// Rows in every table, written in SQL against the schema of <see cref="LastHandWrittenMigration"/>: the
    /// application's entities follow the latest model and would name columns that schema does not have.
    /// </summary>
    /// <returns>The bytes stored in <c>media_blobs</c>, by key.</returns>
    private static async Task<IReadOnlyDictionary<string, byte[]>> FillAsync(TestDatabase database)
    {
        var blobs = new Dictionary<string, byte[]>
        {
            ["images/logo.webp"] = RandomNumberGenerator.GetBytes(1_500),
            ["images/photo.webp"] = RandomNumberGenerator.GetBytes(2_500),
            // Far above PostgreSQL's 2 kB threshold, so stored out of line (STORAGE EXTERNAL) and in many chunks.
            ["images/part-1.webp"] = RandomNumberGenerator.GetBytes(400_000),
            ["images/part-1-100.webp"] = RandomNumberGenerator.GetBytes(700),
            ["images/part-2.webp"] = RandomNumberGenerator.GetBytes(3_000),
            ["images/poster.webp"] = RandomNumberGenerator.GetBytes(5_000),
            ["images/chat-thumbnail.webp"] = RandomNumberGenerator.GetBytes(900),
            ["files/photo.jpg"] = RandomNumberGenerator.GetBytes(60_000),
            ["files/manual.pdf"] = RandomNumberGenerator.GetBytes(1_000_000),
        };
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        foreach (var (key, bytes) in blobs)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO media_blobs (key, content_type, byte_size, sha256, data, created_at)
                VALUES (@key, @type, @size, @sha256, @data, '2026-11-20 08:00:00.123456+00')
                """, connection);
            insert.Parameters.AddWithValue("key", key);
            insert.Parameters.AddWithValue("type", key.StartsWith("images/", StringComparison.Ordinal) ? "image/webp" : "application/octet-stream");
            insert.Parameters.AddWithValue("size", (long)bytes.Length);
            insert.Parameters.AddWithValue("sha256", Sha256(bytes));
            insert.Parameters.AddWithValue("data", bytes);
            await insert.ExecuteNonQueryAsync();
        }

        await using var rows = new NpgsqlCommand("""
            INSERT INTO images (id, content_type, width, height, byte_size, sha256, storage_backend, storage_key, created_at)
            SELECT v.id::uuid, b.content_type, v.width, v.height, b.byte_size, b.sha256, 'postgres', b.key, b.created_at
            FROM (VALUES ('00000000-0000-7000-8000-000000000001', 'images/logo.webp', 400, 200),
                         ('00000000-0000-7000-8000-000000000002', 'images/photo.webp', 300, 300),
                         ('00000000-0000-7000-8000-000000000003', 'images/part-1.webp', 1024, 768),
                         ('00000000-0000-7000-8000-000000000004', 'images/part-2.webp', 768, 1024),
                         ('00000000-0000-7000-8000-000000000005', 'images/poster.webp', 1280, 720),
                         ('00000000-0000-7000-8000-000000000006', 'images/chat-thumbnail.webp', 300, 200))
                 AS v (id, key, width, height)
            JOIN media_blobs b ON b.key = v.key;

            INSERT INTO image_thumbnails (image_id, size, width, height, byte_size, sha256, storage_backend, storage_key)
            SELECT '00000000-0000-7000-8000-000000000003', 100, 100, 75, byte_size, sha256, 'postgres', key
            FROM media_blobs WHERE key = 'images/part-1-100.webp';

            INSERT INTO organizations (id, name, logo_image_id, logo_url, created_at) VALUES
                ('00000000-0000-7000-8000-0000000000a1', 'Wärtsilä Service Oy', '00000000-0000-7000-8000-000000000001',
                 'https://legacy.example/logos/1.png', '2026-11-20 08:00:01.5+00'),
                ('00000000-0000-7000-8000-0000000000a2', 'Empty "quoted" Org', NULL, NULL, '2026-11-20 08:00:02+00');

            INSERT INTO users (id, username, password_hash, role, organization_id, profile_photo_image_id, profile_photo_url, created_at) VALUES
                ('00000000-0000-7000-8000-0000000000b1', 'anna', 'AQAAAAIAAYagAAAAEanna', 'super_admin',
                 '00000000-0000-7000-8000-0000000000a1', '00000000-0000-7000-8000-000000000002', NULL, '2026-11-20 08:01:00+00'),
                ('00000000-0000-7000-8000-0000000000b2', 'bob', 'AQAAAAIAAYagAAAAEbob', 'admin',
                 '00000000-0000-7000-8000-0000000000a1', NULL, 'https://legacy.example/photos/bob.jpg', '2026-11-20 08:02:00+00'),
                ('00000000-0000-7000-8000-0000000000b3', 'carl', 'AQAAAAIAAYagAAAAEcarl', 'user',
                 '00000000-0000-7000-8000-0000000000a2', NULL, NULL, '2026-11-20 08:03:00+00');

            INSERT INTO parts (id, part_number, name, description, image_urls, created_at) VALUES
                ('00000000-0000-7000-8000-0000000000c1', 'PN-100', 'Fuel filter', 'Ø 40 mm, “quoted”; line
            two', ARRAY['https://legacy.example/p/1.jpg', 'https://legacy.example/p/2.jpg'], '2026-11-20 08:04:00+00'),
                ('00000000-0000-7000-8000-0000000000c2', 'PN-200', 'Gasket', NULL, '{}', '2026-11-20 08:05:00+00');

            INSERT INTO part_images (part_id, image_id, position) VALUES
                ('00000000-0000-7000-8000-0000000000c1', '00000000-0000-7000-8000-000000000003', 0),
                ('00000000-0000-7000-8000-0000000000c1', '00000000-0000-7000-8000-000000000004', 1);

            INSERT INTO videos (id, title, description, category, part_id, video_type, content_type, byte_size, sha256,
                                duration_seconds, width, height, storage_backend, storage_key, poster_image_id, created_at, updated_at) VALUES
                ('00000000-0000-7000-8000-0000000000d1', 'Changing the filter', 'Step by step', NULL,
                 '00000000-0000-7000-8000-0000000000c1', 'installation', 'video/mp4', 123456, repeat('ab', 32), 12.345,
                 1280, 720, 'local', 'videos/d1.mp4', '00000000-0000-7000-8000-000000000005',
                 '2026-11-20 08:06:00+00', '2026-11-21 09:00:00.000001+00'),
                ('00000000-0000-7000-8000-0000000000d2', 'Setting up', NULL, 'machine_setup', NULL, NULL, 'video/webm',
                 654321, repeat('cd', 32), 0.5, 640, 360, 's3', 'videos/d2.webm', NULL,
                 '2026-11-20 08:07:00+00', '2026-11-20 08:07:00+00');

            INSERT INTO chat_files (id, owner_id, name, content_type, is_image, byte_size, sha256, thumbnail_image_id,
                                    created_at, storage_backend, storage_key)
            SELECT v.id::uuid, '00000000-0000-7000-8000-0000000000b1', v.name, v.type, v.thumbnail IS NOT NULL, b.byte_size,
                   b.sha256, v.thumbnail::uuid, b.created_at, 'postgres', b.key
            FROM (VALUES ('00000000-0000-7000-8000-0000000000e1', 'files/photo.jpg', 'photo.jpg', 'image/jpeg',
                          '00000000-0000-7000-8000-000000000006'),
                         ('00000000-0000-7000-8000-0000000000e2', 'files/manual.pdf', 'manual (v2).pdf', 'application/pdf', NULL))
                 AS v (id, key, name, type, thumbnail)
            JOIN media_blobs b ON b.key = v.key;

            INSERT INTO chat_sessions (id, owner_id, title, created_at) VALUES
                ('00000000-0000-7000-8000-0000000000f1', '00000000-0000-7000-8000-0000000000b1', 'Pump noise', '2026-11-20 08:08:00+00'),
                ('00000000-0000-7000-8000-0000000000f2', '00000000-0000-7000-8000-0000000000b3', NULL, '2026-11-20 08:09:00+00');

            INSERT INTO chat_messages (id, session_id, role, content, created_at, file_ids) VALUES
                ('00000000-0000-7000-8000-000000000101', '00000000-0000-7000-8000-0000000000f1', 'user', 'See the photo and the manual.',
                 '2026-11-20 08:08:01+00', ARRAY['00000000-0000-7000-8000-0000000000e1', '00000000-0000-7000-8000-0000000000e2']::uuid[]),
                ('00000000-0000-7000-8000-000000000102', '00000000-0000-7000-8000-0000000000f1', 'assistant', '',
                 '2026-11-20 08:08:02+00', '{}');

            INSERT INTO legacy_image_imports (owner_kind, owner_id, url_index, url, image_id, imported_at) VALUES
                ('user', '00000000-0000-7000-8000-0000000000b1', 0, 'https://legacy.example/photos/anna.jpg',
                 '00000000-0000-7000-8000-000000000002', '2026-11-20 09:00:00+00'),
                ('part', '00000000-0000-7000-8000-0000000000c1', 1, 'https://legacy.example/p/2.jpg', NULL, '2026-11-20 09:00:01+00');
            """, connection);
        await rows.ExecuteNonQueryAsync();
        return blobs;
    }

    /// <summary>Each table's columns, in order, quoted for SQL.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> ColumnsAsync(TestDatabase database) =>
        (await database.RowsAsync("""
            SELECT table_name || ' ' || string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
            FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name ORDER BY 1
            """))
        .Select(row => row.Split(' ', 2))
        .ToDictionary(parts => parts[0], parts => parts[1]);

    /// <summary>
    /// Every row of each table in <paramref name="columns"/> as JSON of those columns only (bytes as hex), sorted, so
    /// that a column added since is left out and everything else must be equal.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ContentsAsync(TestDatabase database,
        IReadOnlyDictionary<string, string> columns)
    {
        var contents = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (table, list) in columns)
        {
            contents[table] = await database.RowsAsync(
                $"SELECT row_to_json(r)::text FROM (SELECT {list} FROM {Quote(table)}) r ORDER BY 1");
        }

        return contents;
    }

    private static async Task<string> ReadAsync(IMediaStore store, string key)
    {
        await using var content = await store.OpenAsync(key, null, CancellationToken.None)
                                  ?? throw new InvalidOperationException($"{key} is missing.");
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(content.Stream));
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
