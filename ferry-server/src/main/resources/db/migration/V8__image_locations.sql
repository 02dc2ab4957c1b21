-- Multistore (m6): where each image's data is, one row per store. Same script for H2 (MODE=PostgreSQL)
-- and PostgreSQL. location is the blob key in that store; status is active (Glance's location status).
-- images.location stays the key of the data (the same key in every store the image is in).
CREATE TABLE image_locations (
    image_id   VARCHAR(36)  NOT NULL,
    store_id   VARCHAR(64)  NOT NULL,
    location   VARCHAR(2000) NOT NULL,
    status     VARCHAR(20)  NOT NULL,
    created_at BIGINT       NOT NULL,
    PRIMARY KEY (image_id, store_id)
);

-- every image that has data so far is in the single store, recorded under its id 'default'
INSERT INTO image_locations (image_id, store_id, location, status, created_at)
    SELECT id, 'default', location, 'active', updated_at FROM images WHERE location IS NOT NULL;
