using AbParts.Tests.Support;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>Users created before security stamps existed get one each when the database is upgraded.</summary>
public sealed class UserSecurityStampMigrationTests
{
    [Fact]
    public async Task ExistingUsersGetADistinctRandomStampOfTheLengthTheServiceWrites()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var services = new InfrastructureServices(database.ConnectionString);
        await services.MigrateToAsync("20261205090000_LegacyImageImports");
        await database.RowsAsync("""
            INSERT INTO organizations (id, name, created_at) VALUES ('0193a000-0000-7000-8000-000000000001', 'Acme', now());
            INSERT INTO users (id, username, password_hash, role, organization_id, created_at) VALUES
                ('0193a000-0000-7000-8000-000000000002', 'alice', 'hash-a', 'user', '0193a000-0000-7000-8000-000000000001', now()),
                ('0193a000-0000-7000-8000-000000000003', 'bob', 'hash-b', 'admin', '0193a000-0000-7000-8000-000000000001', now());
            """);

        var applied = await services.MigrateAsync();

        var stamps = await database.RowsAsync("SELECT security_stamp FROM users ORDER BY username");
        applied.Should().Equal("20261206090000_UserSecurityStamps");
        stamps.Should().HaveCount(2).And.OnlyHaveUniqueItems()
            .And.OnlyContain(s => s.Length == Domain.Users.User.SecurityStampLength && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'));
        (await database.RowsAsync("SELECT username || ' ' || password_hash || ' ' || role FROM users ORDER BY username"))
            .Should().Equal("alice hash-a user", "bob hash-b admin");
    }
}
