package dev.ferry.server.tasks;

/**
 * The synchronous check of an import URL at task creation (scheme, host and port policy, no
 * I/O). Throws {@link InvalidTaskRequestException} with the text the caller sees.
 */
@FunctionalInterface
public interface ImportSourceCheck {
    void check(String importFrom);
}
