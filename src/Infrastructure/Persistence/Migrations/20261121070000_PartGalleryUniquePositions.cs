using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AbParts.Infrastructure.Persistence.Migrations;

/// <summary>
/// A part's image positions are unique, checked at commit (DEFERRABLE INITIALLY DEFERRED) so that a
/// reorder may swap positions inside its transaction. The backstop to the part lock of ADR 0010.
/// EF cannot express a deferrable constraint, hence SQL; SchemaTests expects exactly this difference.
/// </summary>
[DbContext(typeof(AbPartsDbContext))]
[Migration("20261121070000_PartGalleryUniquePositions")]
public sealed class PartGalleryUniquePositions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // Concurrent changes before this migration may have left duplicate positions or gaps: renumber
        // each gallery 0..n-1 in its shown order (ties by image id) so the constraint can be added.
        migrationBuilder.Sql("""
            UPDATE part_images p SET position = r.position
            FROM (SELECT part_id, image_id,
                         (row_number() OVER (PARTITION BY part_id ORDER BY position, image_id) - 1)::integer AS position
                  FROM part_images) r
            WHERE p.part_id = r.part_id AND p.image_id = r.image_id AND p.position <> r.position;
            """);

        // The unique constraint's own index serves lookups by (part_id, position), so the plain one goes.
        migrationBuilder.DropIndex("ix_part_images_part_id_position", "part_images");
        migrationBuilder.Sql("""
            ALTER TABLE part_images ADD CONSTRAINT uq_part_images_part_id_position
                UNIQUE (part_id, position) DEFERRABLE INITIALLY DEFERRED;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("ALTER TABLE part_images DROP CONSTRAINT uq_part_images_part_id_position;");
        migrationBuilder.CreateIndex("ix_part_images_part_id_position", "part_images", ["part_id", "position"]);
    }
}
