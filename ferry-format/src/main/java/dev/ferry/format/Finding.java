package dev.ferry.format;

import java.util.Objects;

/**
 * Why an image was rejected: a stable code and a message for people.
 *
 * <p>Codes are the Rackspace numbers for VHD ({@code "396"}, see {@link VhdCode}) and the reason
 * tokens of {@link Reason} for everything else.
 */
public record Finding(String code, String message) {
    public Finding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (code.isBlank()) {
            throw new IllegalArgumentException("code is blank");
        }
    }

    /** "CODE: message", the form used in a task's failure message. */
    @Override
    public String toString() {
        return message.startsWith(code + ":") ? message : code + ": " + message;
    }
}
