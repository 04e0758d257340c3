using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AbParts.Infrastructure.Persistence.Migrations;

/// <summary>Chat files (originals in a media store, thumbnails in <c>images</c>), sessions and messages.</summary>
[DbContext(typeof(AbPartsDbContext))]
[Migration("20261204080000_ChatFiles")]
public sealed class ChatFiles : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        CREATE TABLE chat_files (
            id uuid NOT NULL,
            owner_id uuid NOT NULL,
            name character varying(255) NOT NULL,
            content_type character varying(100) NOT NULL,
            is_image boolean NOT NULL,
            byte_size bigint NOT NULL,
            sha256 character(64) NOT NULL,
            thumbnail_image_id uuid,
            created_at timestamp with time zone NOT NULL,
            storage_backend character varying(20) NOT NULL,
            storage_key character varying(300) NOT NULL,
            CONSTRAINT pk_chat_files PRIMARY KEY (id),
            CONSTRAINT ck_chat_files_byte_size CHECK (byte_size > 0),
            CONSTRAINT ck_chat_files_storage_backend CHECK (storage_backend IN ('postgres', 'local', 's3')),
            CONSTRAINT ck_chat_files_thumbnail CHECK (is_image = (thumbnail_image_id IS NOT NULL)),
            CONSTRAINT fk_chat_files_images_thumbnail_image_id FOREIGN KEY (thumbnail_image_id) REFERENCES images (id) ON DELETE RESTRICT,
            CONSTRAINT fk_chat_files_users_owner_id FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE RESTRICT
        );
        CREATE INDEX ix_chat_files_owner_id_created_at ON chat_files (owner_id, created_at);
        CREATE INDEX ix_chat_files_thumbnail_image_id ON chat_files (thumbnail_image_id);

        CREATE TABLE chat_sessions (
            id uuid NOT NULL,
            owner_id uuid NOT NULL,
            title character varying(200),
            created_at timestamp with time zone NOT NULL,
            CONSTRAINT pk_chat_sessions PRIMARY KEY (id),
            CONSTRAINT fk_chat_sessions_users_owner_id FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE RESTRICT
        );
        CREATE INDEX ix_chat_sessions_owner_id ON chat_sessions (owner_id);

        CREATE TABLE chat_messages (
            id uuid NOT NULL,
            session_id uuid NOT NULL,
            role character varying(20) NOT NULL,
            content text NOT NULL,
            created_at timestamp with time zone NOT NULL,
            file_ids uuid[] NOT NULL,
            CONSTRAINT pk_chat_messages PRIMARY KEY (id),
            CONSTRAINT ck_chat_messages_role CHECK (role IN ('user', 'assistant', 'system')),
            CONSTRAINT fk_chat_messages_chat_sessions_session_id FOREIGN KEY (session_id) REFERENCES chat_sessions (id) ON DELETE CASCADE
        );
        CREATE INDEX ix_chat_messages_session_id_created_at ON chat_messages (session_id, created_at);
        """);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("DROP TABLE chat_messages; DROP TABLE chat_sessions; DROP TABLE chat_files;");
}
