package io.mxray.schema;

import java.util.Objects;

/**
 * A line of a domain list that could not be scanned, with a stable reason key
 * (for example {@code name-too-long}) and a human explanation. Topic key: the scan id.
 */
public record RejectedLine(String scanId, long lineNo, String line, String reason, String detail) {
    public RejectedLine {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(reason, "reason");
    }
}
