package dev.ferry.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.server.config.FerryConfig;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/** The connection pool, migrated schema and Jdbi instance of one server. Close it on shutdown. */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.postgres = dataSource.getJdbcUrl().startsWith("jdbc:postgresql:");
    }

    /** Opens the pool and applies pending migrations. */
    public static Database open(FerryConfig.Database settings) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(settings.url());
        if (!settings.user().isEmpty()) {
            hc.setUsername(settings.user());
        }
        if (!settings.password().isEmpty()) {
            hc.setPassword(settings.password());
        }
        hc.setMaximumPoolSize(settings.poolSize());
        hc.setPoolName("ferry-db");
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isPostgres() {
        return postgres;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
