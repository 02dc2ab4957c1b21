-- Metadata definitions catalog (m8): Glance's /v2/metadefs. Same script for H2 (MODE=PostgreSQL) and
-- PostgreSQL. Lengths are Glance's schema limits. A namespace has a surrogate id so that renaming it
-- (PUT with another "namespace") touches one row. Objects and properties are stored as their JSON
-- document (validated against Glance's schema and bounded by the service). Tag names are unique
-- case-insensitively, as in Glance: name_key is the lower-cased name.
CREATE TABLE metadef_namespaces (
    id           VARCHAR(36)  PRIMARY KEY,
    namespace    VARCHAR(80)  NOT NULL,
    display_name VARCHAR(80),
    description  VARCHAR(500),
    visibility   VARCHAR(10)  NOT NULL,
    protected    BOOLEAN      NOT NULL,
    owner        VARCHAR(255) NOT NULL,
    created_at   BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL,
    CONSTRAINT metadef_namespaces_name UNIQUE (namespace)
);
CREATE INDEX metadef_namespaces_owner ON metadef_namespaces (owner);

CREATE TABLE metadef_resource_types (
    name       VARCHAR(80) PRIMARY KEY,
    protected  BOOLEAN     NOT NULL,
    created_at BIGINT      NOT NULL,
    updated_at BIGINT
);
-- the resource types Glance's own definitions use (glance-manage db_load_metadefs loads them), created now,
-- a millisecond apart so that they list in Glance's order
INSERT INTO metadef_resource_types (name, protected, created_at)
    SELECT t.name, TRUE, CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT) + t.n FROM (
        SELECT 'OS::Glance::Image' AS name, 0 AS n UNION ALL SELECT 'OS::Cinder::Volume', 1
        UNION ALL SELECT 'OS::Nova::Server', 2 UNION ALL SELECT 'OS::Nova::Aggregate', 3
        UNION ALL SELECT 'OS::Nova::Flavor', 4 UNION ALL SELECT 'OS::Trove::Instance', 5
    ) t;

CREATE TABLE metadef_namespace_resource_types (
    namespace_id      VARCHAR(36) NOT NULL,
    resource_type     VARCHAR(80) NOT NULL,
    properties_target VARCHAR(80),
    prefix            VARCHAR(80),
    created_at        BIGINT      NOT NULL,
    updated_at        BIGINT      NOT NULL,
    PRIMARY KEY (namespace_id, resource_type)
);
CREATE INDEX metadef_associations_type ON metadef_namespace_resource_types (resource_type);

CREATE TABLE metadef_objects (
    namespace_id VARCHAR(36)   NOT NULL,
    name         VARCHAR(80)   NOT NULL,
    document     VARCHAR(1000000) NOT NULL,
    created_at   BIGINT        NOT NULL,
    updated_at   BIGINT        NOT NULL,
    PRIMARY KEY (namespace_id, name)
);

CREATE TABLE metadef_properties (
    namespace_id VARCHAR(36)   NOT NULL,
    name         VARCHAR(80)   NOT NULL,
    document     VARCHAR(1000000) NOT NULL,
    created_at   BIGINT        NOT NULL,
    updated_at   BIGINT        NOT NULL,
    PRIMARY KEY (namespace_id, name)
);

CREATE TABLE metadef_tags (
    namespace_id VARCHAR(36) NOT NULL,
    name_key     VARCHAR(80) NOT NULL,
    name         VARCHAR(80) NOT NULL,
    created_at   BIGINT      NOT NULL,
    updated_at   BIGINT      NOT NULL,
    PRIMARY KEY (namespace_id, name_key)
);
