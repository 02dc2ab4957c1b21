package dev.ferry.format.vmdk;

import dev.ferry.format.Finding;
import java.util.Objects;

/**
 * A VMDK image is malformed or unsafe: carries the {@link Finding} (a {@link dev.ferry.format.Reason}
 * code). Thrown by the header, descriptor and table readers and turned into a rejection by the
 * inspector.
 */
public final class VmdkException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Finding finding;

    public VmdkException(String code, String message) {
        super(code + ": " + message);
        this.finding = new Finding(code, code + ": " + message);
    }

    public Finding finding() {
        return Objects.requireNonNull(finding);
    }

    public String code() {
        return finding.code();
    }
}
