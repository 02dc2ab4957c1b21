-- One script for H2 (MODE=PostgreSQL) and PostgreSQL. VARCHAR(n), not TEXT: H2 maps TEXT to a CLOB,
-- which is slower to read; 1,000,000 is H2's longest VARCHAR. Times are epoch milliseconds (UTC) so that
-- both databases compare and sort them identically.
CREATE TABLE tasks (
    id            VARCHAR(36)  PRIMARY KEY,
    type          VARCHAR(30)  NOT NULL,
    status        VARCHAR(30)  NOT NULL,
    owner         VARCHAR(255) NOT NULL,
    input         VARCHAR(1000000),
    result        VARCHAR(1000000),
    message       VARCHAR(10000) NOT NULL,
    image_id      VARCHAR(36),
    request_id    VARCHAR(64),
    user_id       VARCHAR(255),
    created_at    BIGINT       NOT NULL,
    updated_at    BIGINT       NOT NULL,
    expires_at    BIGINT,
    -- the durable queue: who holds the task and until when
    lease_owner   VARCHAR(100),
    lease_expires BIGINT,
    attempts      INTEGER      NOT NULL,
    bytes_done    BIGINT,
    bytes_total   BIGINT
);
CREATE INDEX tasks_status_created ON tasks (status, created_at);
CREATE INDEX tasks_owner_created ON tasks (owner, created_at);
CREATE INDEX tasks_expires ON tasks (expires_at);

CREATE TABLE images (
    id               VARCHAR(36)  PRIMARY KEY,
    name             VARCHAR(255),
    status           VARCHAR(30)  NOT NULL,
    visibility       VARCHAR(30)  NOT NULL,
    owner            VARCHAR(255),
    disk_format      VARCHAR(30),
    container_format VARCHAR(30),
    size             BIGINT,
    virtual_size     BIGINT,
    checksum         VARCHAR(32),
    os_hash_algo     VARCHAR(64),
    os_hash_value    VARCHAR(128),
    location         VARCHAR(2000),
    min_ram          INTEGER      NOT NULL,
    min_disk         INTEGER      NOT NULL,
    protected        BOOLEAN      NOT NULL,
    properties       VARCHAR(1000000),
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL
);
CREATE INDEX images_owner ON images (owner);
