package io.mxray.schema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the DNS stage learned about one domain: exactly one per domain task, failures
 * included. Topic key: the domain key.
 *
 * @param probeKeys the probes whose results complete this domain (one per distinct IP and MX
 *                  host name), in MX preference order
 */
public record DnsResult(String scanId, String domain, Long rank, DnsOutcome outcome, String reason,
                        List<MxHost> mxHosts, List<String> probeKeys, Instant resolvedAt, long elapsedMs) {
    public DnsResult {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(resolvedAt, "resolvedAt");
        mxHosts = List.copyOf(mxHosts);
        probeKeys = List.copyOf(probeKeys);
    }

    public String key() {
        return Keys.domainKey(scanId, domain);
    }
}
