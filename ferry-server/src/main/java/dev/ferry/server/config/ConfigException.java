package dev.ferry.server.config;

/** A configuration problem the operator must fix: unknown key, bad value, unreadable file. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
