package dev.ferry.server.cli;

/** A command line that does not fit the verb's {@link Usage}: printed with the usage, exit status 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
