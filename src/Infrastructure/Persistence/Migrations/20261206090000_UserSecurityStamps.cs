using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AbParts.Infrastructure.Persistence.Migrations;

/// <summary>
/// Each user's security stamp, which bearer tokens carry and which a new password or role changes (ADR 0027).
/// Existing users get a random one, so the tokens issued before this migration stop working once: they carry none.
/// </summary>
[DbContext(typeof(AbPartsDbContext))]
[Migration("20261206090000_UserSecurityStamps")]
public sealed class UserSecurityStamps : Migration
{
    // gen_random_uuid() is built into PostgreSQL 13+ and draws from a strong random source; its 16 bytes,
    // 122 of them random, in base64url without padding are 22 characters, the length the service writes.
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        ALTER TABLE users ADD COLUMN security_stamp character varying(22);
        UPDATE users SET security_stamp = rtrim(translate(encode(uuid_send(gen_random_uuid()), 'base64'), '+/', '-_'), '=');
        ALTER TABLE users ALTER COLUMN security_stamp SET NOT NULL;
        """);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE users DROP COLUMN security_stamp;");
}
