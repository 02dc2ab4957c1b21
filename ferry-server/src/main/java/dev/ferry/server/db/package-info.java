/**
 * Database plumbing: the HikariCP pool, Flyway migrations (one script set for H2 and
 * PostgreSQL, under {@code db/migration}) and the {@link org.jdbi.v3.core.Jdbi} handle the
 * repositories use. No SQL about tasks or images lives here.
 */
package dev.ferry.server.db;
