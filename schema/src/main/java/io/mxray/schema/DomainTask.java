package io.mxray.schema;

import java.util.Objects;

/**
 * One domain of a scan, to be resolved. Topic key: {@link #key()}.
 *
 * @param rank   the rank from a ranked list (Tranco), or null for a plain list
 * @param lineNo the line of the input list it came from (1-based)
 */
public record DomainTask(String scanId, String domain, Long rank, long lineNo) {
    public DomainTask {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(domain, "domain");
    }

    public String key() {
        return Keys.domainKey(scanId, domain);
    }
}
