using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AbParts.Infrastructure.Persistence.Migrations;

/// <summary>
/// Organizations, users, parts, image metadata and the PostgreSQL media store. Written by hand, as were the migrations up
/// to <c>LegacyImageImports</c>, before the EF design package restored here (ADR 0003, superseded by ADR 0028).
/// </summary>
[DbContext(typeof(AbPartsDbContext))]
[Migration("20261121000000_InitialSchema")]
public sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "media_blobs",
            columns: table => new
            {
                key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                byte_size = table.Column<long>(type: "bigint", nullable: false),
                sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                data = table.Column<byte[]>(type: "bytea", nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_media_blobs", x => x.key);
                table.CheckConstraint("ck_media_blobs_byte_size", "byte_size = length(data)");
            });

        // WebP is already compressed: keep PostgreSQL from trying again and store it out of line, where
        // substring() reads only the chunks a range needs.
        migrationBuilder.Sql("ALTER TABLE media_blobs ALTER COLUMN data SET STORAGE EXTERNAL;");

        migrationBuilder.CreateTable(
            name: "images",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                width = table.Column<int>(type: "integer", nullable: false),
                height = table.Column<int>(type: "integer", nullable: false),
                byte_size = table.Column<long>(type: "bigint", nullable: false),
                sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                storage_backend = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                storage_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_images", x => x.id);
                table.CheckConstraint("ck_images_byte_size", "byte_size > 0 AND byte_size <= 512000");
                table.CheckConstraint("ck_images_dimensions", "width > 0 AND height > 0");
                table.CheckConstraint("ck_images_storage_backend", "storage_backend IN ('postgres', 'local', 's3')");
            });

        migrationBuilder.CreateTable(
            name: "image_thumbnails",
            columns: table => new
            {
                image_id = table.Column<Guid>(type: "uuid", nullable: false),
                size = table.Column<int>(type: "integer", nullable: false),
                width = table.Column<int>(type: "integer", nullable: false),
                height = table.Column<int>(type: "integer", nullable: false),
                byte_size = table.Column<long>(type: "bigint", nullable: false),
                sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                storage_backend = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                storage_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_image_thumbnails", x => new { x.image_id, x.size });
                table.CheckConstraint("ck_image_thumbnails_size",
                    "size IN (100, 200, 300) AND width > 0 AND height > 0 AND width <= size AND height <= size");
                table.CheckConstraint("ck_image_thumbnails_storage_backend", "storage_backend IN ('postgres', 'local', 's3')");
                table.ForeignKey("fk_image_thumbnails_images_image_id", x => x.image_id, "images", "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "organizations",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                logo_image_id = table.Column<Guid>(type: "uuid", nullable: true),
                logo_url = table.Column<string>(type: "text", nullable: true),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_organizations", x => x.id);
                table.ForeignKey("fk_organizations_images_logo_image_id", x => x.logo_image_id, "images", "id",
                    onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "users",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                username = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                password_hash = table.Column<string>(type: "text", nullable: false),
                role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                profile_photo_image_id = table.Column<Guid>(type: "uuid", nullable: true),
                profile_photo_url = table.Column<string>(type: "text", nullable: true),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_users", x => x.id);
                table.CheckConstraint("ck_users_role", "role IN ('user', 'admin', 'super_admin')");
                table.ForeignKey("fk_users_images_profile_photo_image_id", x => x.profile_photo_image_id, "images",
                    "id", onDelete: ReferentialAction.SetNull);
                table.ForeignKey("fk_users_organizations_organization_id", x => x.organization_id, "organizations",
                    "id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "parts",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                part_number = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                image_urls = table.Column<List<string>>(type: "text[]", nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_parts", x => x.id));

        migrationBuilder.CreateTable(
            name: "part_images",
            columns: table => new
            {
                part_id = table.Column<Guid>(type: "uuid", nullable: false),
                image_id = table.Column<Guid>(type: "uuid", nullable: false),
                position = table.Column<int>(type: "integer", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_part_images", x => new { x.part_id, x.image_id });
                table.CheckConstraint("ck_part_images_position", "position >= 0");
                table.ForeignKey("fk_part_images_images_image_id", x => x.image_id, "images", "id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey("fk_part_images_parts_part_id", x => x.part_id, "parts", "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex("ix_organizations_name", "organizations", "name", unique: true);
        migrationBuilder.CreateIndex("ix_organizations_logo_image_id", "organizations", "logo_image_id");
        migrationBuilder.CreateIndex("ix_users_username", "users", "username", unique: true);
        migrationBuilder.CreateIndex("ix_users_organization_id", "users", "organization_id");
        migrationBuilder.CreateIndex("ix_users_profile_photo_image_id", "users", "profile_photo_image_id");
        migrationBuilder.CreateIndex("ix_parts_part_number", "parts", "part_number", unique: true);
        migrationBuilder.CreateIndex("ix_part_images_image_id", "part_images", "image_id");
        migrationBuilder.CreateIndex("ix_part_images_part_id_position", "part_images", ["part_id", "position"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("part_images");
        migrationBuilder.DropTable("parts");
        migrationBuilder.DropTable("users");
        migrationBuilder.DropTable("organizations");
        migrationBuilder.DropTable("image_thumbnails");
        migrationBuilder.DropTable("images");
        migrationBuilder.DropTable("media_blobs");
    }
}
