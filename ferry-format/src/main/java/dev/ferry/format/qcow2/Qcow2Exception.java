package dev.ferry.format.qcow2;

import dev.ferry.format.Finding;
import java.util.Objects;

/**
 * A qcow2 image is malformed or unsafe: carries the {@link Finding} (a {@link dev.ferry.format.Reason}
 * code) to report. Thrown by the header and table readers, turned into a rejection by the inspector;
 * a converter can let it propagate as "refused input".
 */
public final class Qcow2Exception extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Finding finding;

    public Qcow2Exception(String code, String message) {
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
