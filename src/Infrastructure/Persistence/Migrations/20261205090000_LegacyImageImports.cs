using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AbParts.Infrastructure.Persistence.Migrations;

/// <summary>The legacy image import's ledger: which legacy URL became which image (ADR 0019).</summary>
[DbContext(typeof(AbPartsDbContext))]
[Migration("20261205090000_LegacyImageImports")]
public sealed class LegacyImageImports : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        CREATE TABLE legacy_image_imports (
            owner_kind character varying(20) NOT NULL,
            owner_id uuid NOT NULL,
            url_index integer NOT NULL,
            url text NOT NULL,
            image_id uuid,
            imported_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_legacy_image_imports PRIMARY KEY (owner_kind, owner_id, url_index),
            CONSTRAINT ck_legacy_image_imports_owner_kind CHECK (owner_kind IN ('user', 'organization', 'part')),
            CONSTRAINT fk_legacy_image_imports_images_image_id FOREIGN KEY (image_id) REFERENCES images (id) ON DELETE SET NULL
        );
        CREATE INDEX ix_legacy_image_imports_image_id ON legacy_image_imports (image_id);
        """);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("DROP TABLE legacy_image_imports;");
}
