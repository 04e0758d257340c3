-- Removes every image `images import-legacy` stored and that is still in use, and forgets the import
-- (legacy_image_imports), in one transaction. The legacy URL columns are not touched: they were never
-- changed, so the old system's files and URLs work as before. Photos, logos and gallery images uploaded
-- through the API are kept; galleries are renumbered 0..n-1. A later `images import-legacy` imports again.
BEGIN;

CREATE TEMPORARY TABLE rollback_images ON COMMIT DROP AS
    SELECT image_id AS id FROM legacy_image_imports WHERE image_id IS NOT NULL;

UPDATE users SET profile_photo_image_id = NULL WHERE profile_photo_image_id IN (SELECT id FROM rollback_images);
UPDATE organizations SET logo_image_id = NULL WHERE logo_image_id IN (SELECT id FROM rollback_images);
DELETE FROM part_images WHERE image_id IN (SELECT id FROM rollback_images);
UPDATE part_images p SET position = r.n - 1
FROM (SELECT part_id, image_id, row_number() OVER (PARTITION BY part_id ORDER BY position) AS n FROM part_images) r
WHERE p.part_id = r.part_id AND p.image_id = r.image_id AND p.position <> r.n - 1;

DELETE FROM media_blobs WHERE key IN (
    SELECT storage_key FROM images WHERE id IN (SELECT id FROM rollback_images)
    UNION SELECT storage_key FROM image_thumbnails WHERE image_id IN (SELECT id FROM rollback_images));
DELETE FROM images WHERE id IN (SELECT id FROM rollback_images);
DELETE FROM legacy_image_imports;

COMMIT;
