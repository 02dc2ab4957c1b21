-- Images API v2 (w3): hidden flag, tags and members. Same script for H2 (MODE=PostgreSQL) and PostgreSQL.
ALTER TABLE images ADD COLUMN os_hidden BOOLEAN DEFAULT FALSE NOT NULL;
CREATE INDEX images_created ON images (created_at);

CREATE TABLE image_tags (
    image_id VARCHAR(36)  NOT NULL,
    tag      VARCHAR(255) NOT NULL,
    PRIMARY KEY (image_id, tag)
);

-- member is a project id; status pending | accepted | rejected
CREATE TABLE image_members (
    image_id   VARCHAR(36)  NOT NULL,
    member     VARCHAR(255) NOT NULL,
    status     VARCHAR(20)  NOT NULL,
    created_at BIGINT       NOT NULL,
    updated_at BIGINT       NOT NULL,
    PRIMARY KEY (image_id, member)
);
CREATE INDEX image_members_member ON image_members (member, status);
