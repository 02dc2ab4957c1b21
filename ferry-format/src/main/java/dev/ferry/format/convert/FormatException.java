package dev.ferry.format.convert;

import dev.ferry.format.Finding;
import java.io.IOException;
import java.util.Objects;

/**
 * A reader met content it cannot serve safely (an entry pointing outside the file, a compressed
 * cluster that does not inflate to a cluster...), even though inspection accepted the image.
 */
public final class FormatException extends IOException {
    private final transient Finding finding;

    public FormatException(String code, String message) {
        super(code + ": " + message);
        this.finding = new Finding(code, message);
    }

    public Finding finding() {
        return finding;
    }

    /**
     * Throws unless {@code ok}. For a constant message only: the arguments are evaluated on every
     * call, so a message that must be built is built inside an {@code if} that throws (a check per
     * extent or cluster that concatenated its message cost a conversion's start-up ~20 ms of
     * bootstrapping, and an allocation per cluster).
     */
    public static void check(boolean ok, String code, String message) throws FormatException {
        if (!ok) {
            throw new FormatException(code, Objects.requireNonNull(message));
        }
    }
}
