using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AbParts.Infrastructure.Persistence.Migrations;

/// <summary>Support and part videos: metadata here, bytes in the video store, poster in <c>images</c>.</summary>
[DbContext(typeof(AbPartsDbContext))]
[Migration("20261121060000_Videos")]
public sealed class Videos : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "videos",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                category = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                part_id = table.Column<Guid>(type: "uuid", nullable: true),
                video_type = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                byte_size = table.Column<long>(type: "bigint", nullable: false),
                sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                duration_seconds = table.Column<double>(type: "double precision", nullable: false),
                width = table.Column<int>(type: "integer", nullable: false),
                height = table.Column<int>(type: "integer", nullable: false),
                storage_backend = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                storage_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                poster_image_id = table.Column<Guid>(type: "uuid", nullable: true),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_videos", x => x.id);
                table.CheckConstraint("ck_videos_facts", "byte_size > 0 AND duration_seconds > 0 AND width > 0 AND height > 0");
                table.CheckConstraint("ck_videos_kind",
                    "(category IS NOT NULL AND part_id IS NULL AND video_type IS NULL) OR " +
                    "(category IS NULL AND part_id IS NOT NULL AND video_type IS NOT NULL)");
                table.CheckConstraint("ck_videos_storage_backend", "storage_backend IN ('postgres', 'local', 's3')");
                table.ForeignKey("fk_videos_images_poster_image_id", x => x.poster_image_id, "images", "id",
                    onDelete: ReferentialAction.SetNull);
                table.ForeignKey("fk_videos_parts_part_id", x => x.part_id, "parts", "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateIndex("ix_videos_category", "videos", "category");
        migrationBuilder.CreateIndex("ix_videos_part_id", "videos", "part_id");
        migrationBuilder.CreateIndex("ix_videos_poster_image_id", "videos", "poster_image_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("videos");
}
